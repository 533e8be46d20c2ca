// What the sites suites share (one integration_sites binary): sites_stretched_test.cpp runs first on a
// stretched bed, then sites_separate_test.cpp, whose set-up takes that bed down before its own starts.
// Measured times are printed as "[measure] ..." lines.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "measure.h"  // tests/support
#include "swarmop/base/status.h"
#include "swarmop/engine/engine.h"
#include "swarmop/reconciler/core/core.h"
#include "testbed.h"  // tests/support

namespace swarmop::sites_it {

using SteadyClock = std::chrono::steady_clock;

using testsupport::Measure;  // tests/support/measure.h: "[measure] ..." lines
using testsupport::Seconds;

// The engine at `docker_host` (5 s per request); null, with a test failure, when it cannot be reached.
std::unique_ptr<engine::Engine> MustConnect(const std::string& docker_host);

crds::Service SleepService(const std::string& name, crds::FailoverPolicy policy);
// douala/yaounde partners with a takeover Service (api) and a stay Service (front) at both.
crds::DesiredState StretchedEstateWithServices();

// Plans and applies `desired` on the real swarm, as the controller would.
Status Converge(engine::Engine& engine, const crds::DesiredState& desired);

// Replicas the swarm service asks for, and how many of its tasks run.
std::pair<uint64_t, int> ReplicasAndRunning(engine::Engine& engine, const std::string& service);

// One stretched bed for the health and lease suites, started on first use and taken down before the
// separate layout starts (two beds at once would slow both on 2 cores).
extern std::unique_ptr<testsupport::TestBed> g_stretched;
extern std::string g_stretched_error;
testsupport::TestBed* StretchedBed();

}  // namespace swarmop::sites_it
