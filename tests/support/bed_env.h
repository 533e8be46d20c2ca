// Connecting to the test bed that tests/testbed/testbed.sh started and whose environment it exported
// (`eval "$(tests/testbed/testbed.sh up)"`: SWARMOP_TEST_DOCKER_HOST, SWARMOP_TEST_BED_DIR, ...).
// Integration tests FAIL (never skip) without a bed: they assert on what these return. Test-only.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "swarmop/base/status.h"
#include "swarmop/engine/engine.h"

namespace swarmop::testsupport {

// SWARMOP_TEST_DOCKER_HOST (unix://...), or an error saying how to start the bed.
StatusOr<std::string> TestBedHost();

// The bed's engine; `host_out` (when given) receives its address. The error names what is missing:
// the variable, or the address that does not answer.
StatusOr<std::unique_ptr<engine::Engine>> ConnectTestBed(std::string* host_out = nullptr);

// The engine at `docker_host` (unix://... or tcp://..., e.g. TestBed::DockerHost), with a shorter request
// timeout than the client's when given.
StatusOr<std::unique_ptr<engine::Engine>> ConnectEngine(
    const std::string& docker_host, std::optional<std::chrono::milliseconds> request_timeout = std::nullopt);

// The docker CLI to drive the bed with: TESTBED_DOCKER_CLI, else /usr/bin/docker when present, else docker.
std::string DockerCli();

}  // namespace swarmop::testsupport
