// Failover interplay (issue 6): a MongoDB Replication with members at cloud, douala and yaounde on a real
// 3-node stretched swarm (tests/testbed/testbed.sh up --nodes 3, started here and always torn down), the
// cloud partitioned away from the sites while swarmop keeps reconciling, then healed.
//
// swarmop talks to the cloud manager (the only manager of the stretched bed, as `swarmop run` would on the
// cloud manager): it stays reachable through its own socket while its underlay link is down, and sees the
// edge nodes go `down`. Two kinds of reconcile run during the partition: the Operator (watch mode, with the
// render options of `swarmop run`, specs as plain Swarm configs, site monitor and failover on) and explicit
// core passes (PlanEstate + ApplyPlan, as `swarmop apply`). Checked: no write to any service, the member
// services keep their IDs and versions, no volume disappears from any node (each node's own engine is asked
// directly, partitioned or not), and after the heal one running task per member, no duplicate service or
// task. FAILS (never skips) when the bed cannot start (root needed).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <iostream>
#include <map>
#include <thread>

#include "bed_env.h"         // tests/support
#include "eventually.h"      // tests/support
#include "render_options.h"  // cli/: the RenderOptions of apply, diff and run
#include "swarm_harness.h"
#include "swarmop/crds/load.h"
#include "swarmop/engine/counting_engine.h"
#include "swarmop/engine/engine.h"
#include "swarmop/reconciler/controller/operator.h"
#include "swarmop/reconciler/core/core.h"
#include "swarmop/reconciler/core/labels.h"
#include "swarmop/reconciler/replication/plan_estate.h"
#include "testbed.h"  // tests/support

namespace swarmop::replication_it {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

const std::vector<std::string> kSites = {"cloud", "douala", "yaounde"};
constexpr const char* kReplication = "part-sessions";
constexpr const char* kKeyfile = "part-sessions-keyfile";
constexpr const char* kVolume = "part-sessions-data";

std::string Member(const std::string& site) { return std::string(kReplication) + "-" + site; }

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

std::string SitesYaml() {
  return "apiVersion: swarmop.io/v1alpha1\nkind: Site\nmetadata: {name: cloud}\n"
         "spec: {role: cloud, nodeSelector: {site: cloud}, network: {encrypted: false}}\n---\n"
         "apiVersion: swarmop.io/v1alpha1\nkind: Site\nmetadata: {name: douala}\n"
         "spec: {role: edge, nodeSelector: {site: douala}, failover: yaounde, network: {encrypted: "
         "false}}\n---\n"
         "apiVersion: swarmop.io/v1alpha1\nkind: Site\nmetadata: {name: yaounde}\n"
         "spec: {role: edge, nodeSelector: {site: yaounde}, failover: douala, network: {encrypted: false}}\n";
}

std::string ReplicationYaml() {
  return std::string("apiVersion: swarmop.io/v1alpha1\nkind: Replication\nmetadata: {name: ") + kReplication +
         "}\nspec:\n  engine: mongodb\n  image: " + kStubImage +
         "\n  replicaSet: rs0\n  keyFileSecret: " + kKeyfile + "\n  storage: {volume: " + kVolume +
         "}\n  members:\n    - {site: cloud, priority: 2}\n    - {site: douala, priority: 1}\n"
         "    - {site: yaounde, priority: 1}\n";
}

std::unique_ptr<engine::Engine> MustConnect(const std::string& docker_host) {
  auto engine = testsupport::ConnectEngine(docker_host, 5s);
  EXPECT_TRUE(engine.ok()) << engine.status().ToString();
  return engine.ok() ? std::move(engine).value() : nullptr;
}

// Polls every 500 ms (tests/support/eventually.h).
bool Eventually(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  return testsupport::Eventually(done, timeout, 500ms);
}

struct ServiceIdentity {
  std::string id;
  uint64_t version = 0;
  bool operator==(const ServiceIdentity&) const = default;
};

class ReplicationPartition : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto bed = testsupport::TestBed::Up("stretched");
    if (!bed.ok()) {
      bed_error_ = bed.status().ToString();
      return;
    }
    bed_ = std::move(bed).value();
    std::cout << "[measure] stretched 3-node test bed up: " << bed_->up_seconds() << " s\n";
  }
  static void TearDownTestSuite() { bed_.reset(); }  // testbed.sh down: daemons, volumes, everything

  void SetUp() override {
    ASSERT_TRUE(bed_) << "the 3-node test bed did not start: " << bed_error_;
    manager_ = MustConnect(bed_->DockerHost("cloud"));
    ASSERT_TRUE(manager_);
    for (const auto& site : kSites) {
      Status built = BuildMongoStubImage(bed_->DockerHost(site));  // images are per node
      ASSERT_TRUE(built.ok()) << site << ": " << built.ToString();
    }
    engine::SecretSpec secret;
    secret.name = kKeyfile;
    secret.data = "dummy-keyfile-for-the-test-only";
    auto created = manager_->CreateSecret(secret);
    ASSERT_TRUE(created.ok()) << created.status().ToString();
  }

  void TearDown() override {
    if (op_) op_->Stop();
  }

  crds::DesiredState Desired() {
    crds::LoadResult loaded =
        crds::LoadSpecs({crds::SourceFile{"part.yaml", SitesYaml() + "---\n" + ReplicationYaml()}});
    EXPECT_TRUE(loaded.ok()) << crds::FormatDiagnostics(loaded.errors);
    return loaded.state;
  }

  // One explicit core pass, as `swarmop apply` makes it; returns the writes it made.
  std::vector<std::string> CorePass(const crds::DesiredState& desired, reconciler::Plan* plan_out = nullptr) {
    engine::CountingEngine counting(manager_.get());
    reconciler::PlanEstateOptions options;
    options.render = cli::SwarmopRenderOptions();
    options.observe_replications = true;  // as `swarmop apply`
    auto planned = reconciler::PlanEstate(counting, desired, options);
    EXPECT_TRUE(planned.ok()) << planned.status().ToString();
    if (!planned.ok()) return {"(plan failed)"};
    reconciler::ApplyReport report = reconciler::ApplyPlan(counting, planned->plan);
    EXPECT_TRUE(report.ok()) << report.ToString();
    if (plan_out) *plan_out = planned->plan;
    return counting.WriteLog();
  }

  std::map<std::string, ServiceIdentity> Identities() {
    std::map<std::string, ServiceIdentity> out;
    for (const auto& site : kSites) {
      auto service = manager_->InspectService(Member(site));
      EXPECT_TRUE(service.ok()) << Member(site) << ": " << service.status().ToString();
      if (service.ok()) out[site] = {service->id, service->version};
    }
    return out;
  }

  // Tasks of the member whose desired state is running, and how many of those actually run.
  std::pair<int, int> DesiredAndRunning(const std::string& site) {
    auto tasks = manager_->ListTasks({Member(site), "running", std::nullopt, {}});
    if (!tasks.ok()) return {-1, -1};
    int running = 0;
    for (const auto& task : *tasks) running += task.status.state == "running" ? 1 : 0;
    return {static_cast<int>(tasks->size()), running};
  }

  // Running containers of the member on its own node, asked to that node's engine.
  int ContainersOnNode(const std::string& site) {
    CliResult listed =
        Docker(bed_->DockerHost(site), "ps -q --filter label=com.docker.swarm.service.name=" + Member(site));
    if (listed.exit_code != 0) return -1;
    return static_cast<int>(std::count(listed.output.begin(), listed.output.end(), '\n'));
  }

  std::string NodeState(const std::string& hostname) {
    auto nodes = manager_->ListNodes({});
    if (!nodes.ok()) return "?";
    for (const auto& node : *nodes) {
      if (node.hostname == hostname) return node.state;
    }
    return "missing";
  }

  void ExpectVolumesKept(const std::string& when) {
    for (const auto& site : kSites) {
      auto volumes = ListVolumes(bed_->DockerHost(site));
      ASSERT_TRUE(volumes.ok()) << when << ": " << volumes.status().ToString();
      EXPECT_TRUE(volumes->count(std::string(kVolume) + "-" + site))
          << when << ": volume of " << site << " gone";
    }
  }

  uint64_t OperatorServiceWrites() {
    uint64_t n = 0;
    for (const auto& line : op_->engine().WriteLog())
      n += line.find(" service ") != std::string::npos ? 1 : 0;
    return n;
  }

  void PrintOperatorSites(const std::string& when) {
    reconciler::SiteSnapshot snapshot = op_->sites().Snapshot();
    std::cout << "[sites] " << when << ":";
    for (const auto& health : snapshot.health)
      std::cout << " " << health.site << "=" << reconciler::SiteHealthName(health.reading.state);
    std::cout << "; active failovers " << snapshot.active.size() << "\n";
  }

  static inline std::unique_ptr<testsupport::TestBed> bed_;
  static inline std::string bed_error_;
  std::unique_ptr<engine::Engine> manager_;
  std::unique_ptr<reconciler::Operator> op_;
};

TEST_F(ReplicationPartition, ACloudPartitionNeitherRecreatesNorUpdatesSiteMembersNorLosesAVolume) {
  const auto t_start = Clock::now();
  // Converge once through the apply path, then hand over to watch mode.
  crds::DesiredState desired = Desired();
  std::vector<std::string> first = CorePass(desired);
  ASSERT_FALSE(first.empty());
  for (const auto& site : kSites) {
    ASSERT_TRUE(Eventually([&] { return DesiredAndRunning(site) == std::make_pair(1, 1); }, 60s))
        << Member(site) << " never ran on its node";
  }
  const auto identities = Identities();
  ExpectVolumesKept("after the first apply");
  std::map<std::string, std::string> task_before;
  for (const auto& site : kSites) {
    auto tasks = manager_->ListTasks({Member(site), "running", std::nullopt, {}});
    ASSERT_TRUE(tasks.ok() && tasks->size() == 1u);
    task_before[site] = tasks->front().id;
    EXPECT_EQ(ContainersOnNode(site), 1) << site;
  }
  std::cout << "[measure] members running at their sites: " << Seconds(Clock::now() - t_start) << " s\n";

  // Watch mode, as `swarmop run` (render options included) on the cloud manager.
  // One spec per config, as `docker config create` of each manifest would store them.
  std::vector<std::pair<std::string, std::string>> stored;
  std::string sites = SitesYaml();
  for (size_t start = 0, k = 0; start < sites.size(); ++k) {
    size_t end = sites.find("---\n", start);
    if (end == std::string::npos) end = sites.size();
    stored.push_back({"part-site-" + kSites[k], sites.substr(start, end - start)});
    start = end + 4;
  }
  stored.push_back({"part-db", ReplicationYaml()});
  for (const auto& [name, yaml] : stored) {
    auto id = manager_->CreateConfig(engine::ConfigSpec{name, {}, yaml, ""});
    ASSERT_TRUE(id.ok()) << id.status().ToString();
  }
  reconciler::OperatorOptions options;
  options.listen = "";
  options.controller.resync = 3s;
  options.reconcile.progress_requeue = 1s;
  options.reconcile.render = cli::SwarmopRenderOptions();
  options.reconcile.observe_replications = true;  // as `swarmop run`
  options.sites.interval = 1s;
  options.sites.failover.grace = 4s;
  auto op = reconciler::Operator::Start(*manager_, options);
  ASSERT_TRUE(op.ok()) << op.status().ToString();
  op_ = std::move(op).value();
  std::this_thread::sleep_for(4s);  // a first reconcile of every key
  EXPECT_EQ(OperatorServiceWrites(), 0u) << ::testing::PrintToString(op_->engine().WriteLog());
  PrintOperatorSites("before the partition");

  // Partition the cloud; keep reconciling until the manager has seen both edge nodes down for a while.
  const uint64_t lists_before = op_->engine().Count("list services");
  const auto t_cut = Clock::now();
  ASSERT_TRUE(bed_->Partition("cloud").ok());
  std::optional<double> down_after;
  int core_passes = 0;
  while (Clock::now() - t_cut < 45s) {
    std::vector<std::string> writes = CorePass(desired);
    ++core_passes;
    EXPECT_TRUE(writes.empty()) << "a core pass during the partition wrote: "
                                << ::testing::PrintToString(writes);
    EXPECT_EQ(Identities(), identities) << "during the partition";
    for (const char* site : {"douala", "yaounde"}) {
      // The sites keep their member running, whatever the manager thinks.
      EXPECT_EQ(ContainersOnNode(site), 1) << site << " lost its member container during the partition";
    }
    ExpectVolumesKept("during the partition");
    if (!down_after && NodeState("douala") == "down" && NodeState("yaounde") == "down") {
      down_after = Seconds(Clock::now() - t_cut);
      PrintOperatorSites("edge nodes down");
    }
    if (down_after && Seconds(Clock::now() - t_cut) > *down_after + 8) break;  // > 2 resyncs while down
    std::this_thread::sleep_for(2s);
  }
  ASSERT_TRUE(down_after) << "the manager never saw douala and yaounde down";
  std::cout << "[measure] partition -> edge nodes down at the manager: " << *down_after << " s\n";
  std::cout << "[measure] partition lasted " << Seconds(Clock::now() - t_cut) << " s: " << core_passes
            << " core passes, " << op_->engine().Count("list services") - lists_before
            << " operator service lists\n";
  for (const char* site : {"douala", "yaounde"}) {
    auto tasks = manager_->ListTasks({Member(site), std::nullopt, std::nullopt, {}});
    if (!tasks.ok()) continue;
    for (const auto& task : *tasks)
      std::cout << "[tasks] during partition " << Member(site) << " " << task.id.substr(0, 12) << " desired "
                << task.desired_state << " state " << task.status.state << " " << task.status.err << "\n";
  }
  PrintOperatorSites("end of the partition");
  EXPECT_EQ(OperatorServiceWrites(), 0u) << ::testing::PrintToString(op_->engine().WriteLog());

  // Heal: every member runs again, once, at its site; nothing was recreated or duplicated.
  const auto t_heal = Clock::now();
  ASSERT_TRUE(bed_->Heal("cloud").ok());
  ASSERT_TRUE(
      Eventually([&] { return NodeState("douala") == "ready" && NodeState("yaounde") == "ready"; }, 30s));
  bool converged = Eventually(
      [&] {
        for (const auto& site : kSites) {
          if (DesiredAndRunning(site) != std::make_pair(1, 1) || ContainersOnNode(site) != 1) return false;
        }
        return true;
      },
      40s);
  std::cout << "[measure] heal -> one running task per member: " << Seconds(Clock::now() - t_heal) << " s\n";
  for (const auto& site : kSites) {
    std::cout << "[tasks] after heal " << Member(site) << ": desired/running "
              << DesiredAndRunning(site).first << "/" << DesiredAndRunning(site).second
              << ", containers on its node " << ContainersOnNode(site) << "\n";
  }
  EXPECT_TRUE(converged) << "the members did not come back to one running task each";
  reconciler::Plan plan;
  EXPECT_TRUE(CorePass(desired, &plan).empty());
  EXPECT_TRUE(plan.operations.empty()) << reconciler::ToString(plan);
  EXPECT_EQ(Identities(), identities) << "after the heal";
  ExpectVolumesKept("after the heal");
  EXPECT_EQ(OperatorServiceWrites(), 0u) << ::testing::PrintToString(op_->engine().WriteLog());

  auto owned =
      manager_->ListServices(engine::ListFilter::Labels({{reconciler::labels::kOwnerName, kReplication}}));
  ASSERT_TRUE(owned.ok());
  std::vector<std::string> names;
  for (const auto& service : *owned) names.push_back(service.spec.name);
  std::sort(names.begin(), names.end());
  EXPECT_THAT(names, ::testing::ElementsAre("part-sessions-cloud", "part-sessions-douala",
                                            "part-sessions-init", "part-sessions-yaounde"));
  for (const auto& site : kSites) {
    auto tasks = manager_->ListTasks({Member(site), "running", std::nullopt, {}});
    ASSERT_TRUE(tasks.ok() && tasks->size() == 1u);
    std::cout << "[tasks] " << Member(site) << " task "
              << (tasks->front().id == task_before[site] ? "kept" : "replaced by Swarm") << " ("
              << task_before[site].substr(0, 12) << " -> " << tasks->front().id.substr(0, 12) << ")\n";
  }
  std::cout << "[measure] operator writes over the whole test: " << op_->engine().Writes() << " ("
            << ::testing::PrintToString(op_->engine().WriteLog()) << ")\n";
  std::cout << "[measure] test body: " << Seconds(Clock::now() - t_start) << " s\n";
}

}  // namespace
}  // namespace swarmop::replication_it
