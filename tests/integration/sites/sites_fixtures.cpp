#include "sites_fixtures.h"

#include <gtest/gtest.h>

#include <iostream>

#include "bed_env.h"          // tests/support
#include "stretched_sites.h"  // tests/support
#include "swarmop/reconciler/core/apply.h"
#include "swarmop/reconciler/replication/plan_estate.h"

namespace swarmop::sites_it {

using namespace std::chrono_literals;
using testsupport::TestBed;

std::unique_ptr<engine::Engine> MustConnect(const std::string& docker_host) {
  auto engine = testsupport::ConnectEngine(docker_host, 5s);
  EXPECT_TRUE(engine.ok()) << engine.status().ToString();
  return engine.ok() ? std::move(engine).value() : nullptr;
}

crds::Service SleepService(const std::string& name, crds::FailoverPolicy policy) {
  crds::Service service;
  service.metadata.name = name;
  service.spec.image = "local/busybox:1";
  service.spec.command = {"sleep", "3600"};
  service.spec.failover = policy;
  service.spec.sites["douala"].replicas = 1;
  service.spec.sites["yaounde"].replicas = 1;
  return service;
}

crds::DesiredState StretchedEstateWithServices() {
  crds::DesiredState desired = testsupport::ThreeStretchedSites();
  desired.services = {SleepService("api", crds::FailoverPolicy::kTakeover),
                      SleepService("front", crds::FailoverPolicy::kStay)};
  return desired;
}

Status Converge(engine::Engine& engine, const crds::DesiredState& desired) {
  auto planned = reconciler::PlanEstate(engine, desired);
  if (!planned.ok()) return planned.status();
  return reconciler::ApplyPlan(engine, planned->plan).FirstError();
}

std::pair<uint64_t, int> ReplicasAndRunning(engine::Engine& engine, const std::string& service) {
  auto inspected = engine.InspectService(service);
  if (!inspected.ok()) return {0, -1};
  auto tasks = engine.ListTasks({service, "running", std::nullopt, {}});
  int running = 0;
  if (tasks.ok()) {
    for (const auto& task : *tasks) running += task.status.state == "running" ? 1 : 0;
  }
  return {inspected->spec.mode.replicas, running};
}

std::unique_ptr<TestBed> g_stretched;
std::string g_stretched_error;

TestBed* StretchedBed() {
  if (!g_stretched && g_stretched_error.empty()) {
    auto bed = TestBed::Up("stretched");
    if (!bed.ok()) {
      g_stretched_error = bed.status().ToString();
      return nullptr;
    }
    g_stretched = std::move(bed).value();
    Measure("stretched 3-node test bed up", g_stretched->up_seconds());
  }
  return g_stretched.get();
}

}  // namespace swarmop::sites_it

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  int rc = RUN_ALL_TESTS();
  swarmop::sites_it::g_stretched.reset();  // when the separate suite was filtered out
  return rc;
}
