// `swarmop run` as a process against a real swarm (tests/testbed/): killed with SIGKILL in the middle of its
// first apply, then restarted, it converges with no duplicate service and no orphaned config; SIGTERM then
// stops it with exit status 0. Reads SWARMOP_TEST_DOCKER_HOST and FAILS when it is unset or unreachable.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <functional>
#include <map>
#include <set>
#include <thread>

#include "bed_env.h"
#include "eventually.h"
#include "http_client.h"
#include "swarm_objects.h"
#include "swarmop/engine/engine.h"
#include "swarmop/reconciler/core/labels.h"
#include "swarmop_process.h"

#ifndef SWARMOP_BINARY
#error "SWARMOP_BINARY must name the swarmop executable"
#endif

namespace swarmop::reconciler {
namespace {

using testsupport::Eventually;  // tests/support/eventually.h
using testsupport::ListOrEmpty;

using std::chrono::milliseconds;

constexpr int kServices = 4;

std::string Manifests() {
  std::string yaml =
      "apiVersion: swarmop.io/v1alpha1\nkind: Site\nmetadata:\n  name: rst\n"
      "spec:\n  role: edge\n  nodeSelector: {swarmop-ctl: ctl}\n";
  for (int i = 0; i < kServices; ++i) {
    yaml +=
        "---\napiVersion: swarmop.io/v1alpha1\nkind: Service\nmetadata:\n  name: app" + std::to_string(i) +
        "\nspec:\n  image: local/busybox:1\n  command: [sh, -c, \"trap 'exit 0' TERM; sleep 3600 & wait\"]\n"
        "  sites:\n    rst: {replicas: 1}\n  configs:\n    - {name: conf, target: /etc/app.conf, content: "
        "\"n=" +
        std::to_string(i) + "\"}\n";
  }
  return yaml;
}

class RunProcess : public ::testing::Test {
 protected:
  void SetUp() override {
    auto connected = testsupport::ConnectTestBed(&host_);
    ASSERT_TRUE(connected.ok()) << connected.status().ToString();
    engine_ = std::move(connected).value();
    ASSERT_TRUE(testsupport::LabelFirstNode(*engine_, "swarmop-ctl", "ctl").ok());
  }

  void TearDown() override {
    StopProcess(SIGKILL);
    if (!engine_) return;
    for (const auto& config : ListOrEmpty(engine_->ListConfigs({}))) {
      if (config.spec.name.rfind("ctl-restart-spec-", 0) == 0) (void)engine_->RemoveConfig(config.id);
    }
    auto owned = engine::ListFilter::Labels({{labels::kManagedBy, labels::kManagerName}});
    for (const auto& service : ListOrEmpty(engine_->ListServices(owned)))
      (void)engine_->RemoveService(service.id);
    Eventually([&] {
      bool gone = true;
      for (const auto& network : ListOrEmpty(engine_->ListNetworks(owned))) {
        gone &= engine_->RemoveNetwork(network.id).ok();
      }
      return gone;
    });
    for (const auto& config : ListOrEmpty(engine_->ListConfigs(owned)))
      (void)engine_->RemoveConfig(config.id);
  }

  // Its output goes to the test's (empty log path).
  void StartProcess() {
    std::string listen = "127.0.0.1:" + std::to_string(testsupport::FreeLocalPort());
    process_ = testsupport::SwarmopProcess::Start(
        SWARMOP_BINARY, {"run", "--listen", listen, "--resync", "2s", "--workers", "2"}, host_, "");
    ASSERT_TRUE(process_);
  }

  // Returns the exit status (or 128 + signal); -1 when not running.
  int StopProcess(int signal) {
    if (!process_ || process_->pid() <= 0) return -1;
    return process_->Stop(signal);
  }

  std::vector<engine::Service> OwnedServices() {
    return ListOrEmpty(
        engine_->ListServices(engine::ListFilter::Labels({{labels::kManagedBy, labels::kManagerName}})));
  }

  bool AllRunning() {
    auto services = OwnedServices();
    if (services.size() < kServices) return false;
    for (const auto& s : services) {
      if (!s.service_status || s.service_status->running_tasks < 1) return false;
    }
    return true;
  }

  std::string host_;
  std::unique_ptr<engine::Engine> engine_;
  std::unique_ptr<testsupport::SwarmopProcess> process_;
};

TEST_F(RunProcess, KilledMidApplyAndRestartedItConvergesWithoutDuplicatesOrOrphansAndStopsCleanlyOnSigterm) {
  // One plain config per document: a config holds one manifest.
  std::string all = Manifests();
  size_t start = 0;
  int index = 0;
  while (start < all.size()) {
    size_t end = all.find("---\n", start);
    std::string doc = all.substr(start, end == std::string::npos ? std::string::npos : end - start);
    ASSERT_TRUE(
        engine_->CreateConfig(engine::ConfigSpec{"ctl-restart-spec-" + std::to_string(index++), {}, doc, ""})
            .ok());
    if (end == std::string::npos) break;
    start = end + 4;
  }
  StartProcess();
  ASSERT_TRUE(Eventually([&] { return !OwnedServices().empty(); }, milliseconds(30000)))
      << "no apply started";
  EXPECT_EQ(StopProcess(SIGKILL), 128 + SIGKILL);
  size_t created_before_kill = OwnedServices().size();

  StartProcess();
  ASSERT_TRUE(Eventually([&] { return AllRunning(); })) << "never converged after the restart";
  std::this_thread::sleep_for(std::chrono::seconds(3));  // a resync more: nothing new may appear

  std::multiset<std::string> names;
  std::set<std::string> referenced;
  for (const auto& s : OwnedServices()) {
    names.insert(s.spec.name);
    for (const auto& ref : s.spec.task_template.container_spec.configs) referenced.insert(ref.config_name);
  }
  for (const auto& name : names) EXPECT_EQ(names.count(name), 1u) << "duplicate service " << name;
  EXPECT_EQ(names.size(), static_cast<size_t>(kServices));
  auto owned_configs = ListOrEmpty(
      engine_->ListConfigs(engine::ListFilter::Labels({{labels::kManagedBy, labels::kManagerName}})));
  for (const auto& config : owned_configs) {
    if (config.spec.labels.count(labels::kOwnerKind) == 0) continue;  // not a rendered config
    EXPECT_TRUE(referenced.count(config.spec.name)) << "orphaned config " << config.spec.name;
  }
  EXPECT_EQ(StopProcess(SIGTERM), 0) << "SIGTERM must stop swarmop run with status 0";
  std::printf("services created before SIGKILL: %zu of %d\n", created_before_kill, kServices);
}

}  // namespace
}  // namespace swarmop::reconciler
