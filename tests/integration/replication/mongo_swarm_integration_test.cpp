// A MongoDB Replication applied to a real swarm through the path `swarmop apply` takes (crds::LoadSpecs, then
// PlanEstate with the CLI's own SwarmopRenderOptions, then ApplyPlan), checked in the swarm: one service per
// member with its placement, named volume, keyFile secret, --replSet and labels; a second apply writes
// nothing; removing members removes their services and never their volumes; a missing keyFile secret fails
// the apply naming the secret.
// Reads SWARMOP_TEST_DOCKER_HOST (a single-node test bed) and FAILS when it is unset or unreachable. The
// node gets one label per test site (repl-it-<site>=on) and the image is a MongoDB stand-in built here from
// local/busybox:1 (swarm_harness.h); everything the test made is removed afterwards.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "render_options.h"  // cli/: the RenderOptions of apply, diff and run
#include "swarm_harness.h"
#include "swarmop/crds/load.h"
#include "swarmop/engine/counting_engine.h"
#include "swarmop/engine/engine.h"
#include "swarmop/reconciler/core.h"
#include "swarmop/reconciler/labels.h"

namespace swarmop::replication_it {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Clock = std::chrono::steady_clock;

constexpr const char* kReplication = "it-sessions";
constexpr const char* kKeyfile = "it-sessions-keyfile";
constexpr const char* kVolume = "it-sessions-data";
const std::vector<std::string> kSites = {"itcloud", "itdouala", "ityaounde"};

std::string NodeLabel(const std::string& site) { return "repl-it-" + site; }

std::string SiteYaml(const std::string& site) {
  return "apiVersion: swarmop.io/v1alpha1\nkind: Site\nmetadata: {name: " + site +
         "}\nspec:\n  role: " + (site == "itcloud" ? "cloud" : "edge") + "\n  nodeSelector: {" +
         NodeLabel(site) + ": \"on\"}\n  network: {encrypted: false}\n";
}

// `members`: sites in order; the first has priority 2 (preferred primary).
std::string ReplicationYaml(const std::vector<std::string>& members, const std::string& keyfile = kKeyfile) {
  std::string yaml =
      "apiVersion: swarmop.io/v1alpha1\nkind: Replication\nmetadata: {name: " + std::string(kReplication) +
      "}\nspec:\n  engine: mongodb\n  image: " + kStubImage +
      "\n  replicaSet: rs-it\n  keyFileSecret: " + keyfile + "\n  storage: {volume: " + kVolume +
      "}\n  members:\n";
  for (size_t i = 0; i < members.size(); ++i)
    yaml += "    - {site: " + members[i] + ", priority: " + (i == 0 ? "2" : "1") + "}\n";
  return yaml;
}

crds::DesiredState Load(const std::vector<std::string>& members, const std::string& keyfile = kKeyfile) {
  std::string yaml;
  for (const auto& site : kSites) yaml += SiteYaml(site) + "---\n";
  yaml += ReplicationYaml(members, keyfile);
  crds::LoadResult loaded = crds::LoadSpecs({crds::SourceFile{"it-sessions.yaml", yaml}});
  EXPECT_TRUE(loaded.ok()) << crds::FormatDiagnostics(loaded.errors);
  return loaded.state;
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : " ") + item;
  return out;
}

class MongoReplicationInSwarm : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* host = std::getenv("SWARMOP_TEST_DOCKER_HOST");
    ASSERT_TRUE(host && *host) << "SWARMOP_TEST_DOCKER_HOST is not set: start the test bed "
                                  "(tests/testbed/testbed.sh up) and export what it prints";
    host_ = host;
    auto endpoint = engine::ParseDockerHost(host_);
    ASSERT_TRUE(endpoint.ok()) << endpoint.status().ToString();
    auto engine = engine::Connect(*endpoint);
    ASSERT_TRUE(engine.ok()) << "the test engine is unreachable: " << engine.status().ToString();
    engine_ = std::move(engine).value();
    ASSERT_TRUE(engine_->Ping().ok());
    Status image = BuildMongoStubImage(host_);
    ASSERT_TRUE(image.ok()) << image.ToString();
    LabelTheNode(true);
    engine::SecretSpec secret;
    secret.name = kKeyfile;
    secret.data = "dummy-keyfile-for-the-test-only";  // never read back: swarmop only names it
    auto created = engine_->CreateSecret(secret);
    ASSERT_TRUE(created.ok() || created.status().code() == Code::kConflict) << created.status().ToString();
  }

  void TearDown() override {
    if (!engine_) return;
    // Prune the Replication's objects (its services, jobs and configs) with an estate that no longer has it.
    crds::DesiredState sites_only = Load({kSites[0]});
    sites_only.replications.clear();
    reconciler::PlanResult planned = PlanFor(sites_only, reconciler::Request{"Replication", kReplication});
    reconciler::ApplyReport pruned = reconciler::ApplyPlan(*engine_, planned.plan);
    EXPECT_TRUE(pruned.ok()) << pruned.ToString();
    for (const auto& site : kSites) RemoveNetworkEventually(reconciler::SiteNetworkName(site));
    (void)engine_->RemoveSecret(kKeyfile);
    for (const auto& site : kSites) {
      Status removed = RemoveVolumeEventually(host_, std::string(kVolume) + "-" + site);
      EXPECT_TRUE(removed.ok()) << removed.ToString();
    }
    LabelTheNode(false);
    Docker(host_, std::string("image rm -f ") + kStubImage);  // (exited task containers may still use it)
  }

  void LabelTheNode(bool on) {
    auto nodes = engine_->ListNodes({});
    ASSERT_TRUE(nodes.ok()) << nodes.status().ToString();
    ASSERT_EQ(nodes->size(), 1u) << "a single-node test bed is expected";
    engine::Node node = nodes->front();
    for (const auto& site : kSites) {
      if (on) {
        node.spec.labels[NodeLabel(site)] = "on";
      } else {
        node.spec.labels.erase(NodeLabel(site));
      }
    }
    ASSERT_TRUE(engine_->UpdateNode(node.id, node.version, node.spec).ok());
  }

  void RemoveNetworkEventually(const std::string& name) {
    auto deadline = Clock::now() + std::chrono::seconds(60);
    for (;;) {
      if (engine_->InspectNetwork(name).status().code() == Code::kNotFound) return;
      Status status = engine_->RemoveNetwork(name);
      if (Clock::now() > deadline) {
        ADD_FAILURE() << "cannot remove network " << name << ": " << status.ToString();
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
  }

  // PlanEstate exactly as `swarmop apply` calls it (cli/estate_converge.cpp).
  reconciler::PlanResult PlanFor(const crds::DesiredState& desired,
                                 std::optional<reconciler::Request> owner = {},
                                 engine::Engine* engine = nullptr) {
    reconciler::PlanEstateOptions options;
    options.render = cli::SwarmopRenderOptions();
    options.owner = owner;
    auto result = reconciler::PlanEstate(engine ? *engine : *engine_, desired, options);
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    return result.ok() ? std::move(*result) : reconciler::PlanResult{};
  }

  reconciler::ApplyReport Apply(const crds::DesiredState& desired, engine::Engine* engine = nullptr) {
    reconciler::PlanResult planned = PlanFor(desired, std::nullopt, engine);
    return reconciler::ApplyPlan(engine ? *engine : *engine_, planned.plan);
  }

  // Waits until each named service has one running task.
  void WaitRunning(const std::vector<std::string>& services, std::chrono::seconds timeout) {
    auto deadline = Clock::now() + timeout;
    for (const auto& service : services) {
      for (;;) {
        auto tasks = engine_->ListTasks({service, "running", std::nullopt, {}});
        int running = 0;
        if (tasks.ok()) {
          for (const auto& task : *tasks) running += task.status.state == "running" ? 1 : 0;
        }
        if (running == 1) break;
        ASSERT_LT(Clock::now(), deadline) << service << " has no running task";
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
      }
    }
  }

  void ExpectMember(const std::string& site) {
    const std::string name = std::string(kReplication) + "-" + site;
    auto service = engine_->InspectService(name);
    ASSERT_TRUE(service.ok()) << name << ": " << service.status().ToString();
    const engine::ServiceSpec& spec = service->spec;
    const engine::ContainerSpec& container = spec.task_template.container_spec;
    EXPECT_EQ(spec.mode.kind, engine::ServiceMode::Kind::kReplicated) << name;
    EXPECT_EQ(spec.mode.replicas, 1u) << name;
    EXPECT_THAT(spec.task_template.placement.constraints,
                ElementsAre("node.labels." + NodeLabel(site) + "==on"))
        << name;
    ASSERT_EQ(container.mounts.size(), 1u) << name;
    EXPECT_EQ(container.mounts[0].type, "volume");
    EXPECT_EQ(container.mounts[0].source, std::string(kVolume) + "-" + site);
    EXPECT_EQ(container.mounts[0].target, "/data/db");
    ASSERT_EQ(container.secrets.size(), 1u) << name;
    EXPECT_EQ(container.secrets[0].secret_name, kKeyfile);
    EXPECT_FALSE(container.secrets[0].secret_id.empty());
    EXPECT_EQ(container.secrets[0].file.name, kKeyfile);
    EXPECT_EQ(container.secrets[0].file.uid, "999");
    EXPECT_EQ(container.secrets[0].file.mode, 0400u);
    EXPECT_THAT(container.args, ElementsAre("mongod", "--replSet", "rs-it", "--bind_ip_all", "--keyFile",
                                            std::string("/run/secrets/") + kKeyfile));
    EXPECT_EQ(container.image.rfind(kStubImage, 0), 0u) << container.image;
    EXPECT_EQ(spec.labels.at(reconciler::labels::kManagedBy), "swarmop");
    EXPECT_EQ(spec.labels.at(reconciler::labels::kOwnerKind), "Replication");
    EXPECT_EQ(spec.labels.at(reconciler::labels::kOwnerName), kReplication);
    EXPECT_EQ(spec.labels.at(reconciler::labels::kSite), site);
    EXPECT_FALSE(spec.labels.at(reconciler::labels::kSpecHash).empty());
    ASSERT_TRUE(spec.endpoint_spec.has_value());
    EXPECT_EQ(spec.endpoint_spec->mode, "dnsrr");
    ASSERT_TRUE(spec.update_config.has_value());
    EXPECT_EQ(spec.update_config->order, "stop-first");
  }

  void PrintForTheRecord(const std::string& service) {
    CliResult shown = Docker(host_, "service inspect --format '{{json .Spec}}' " + service);
    std::cout << "[rendered] docker service inspect " << service << " (.Spec):\n" << shown.output;
  }

  std::string host_;
  std::unique_ptr<engine::Engine> engine_;
};

TEST_F(MongoReplicationInSwarm, EachMemberRunsAsOnePinnedServiceWithItsVolumeKeyfileAndReplSet) {
  crds::DesiredState desired = Load(kSites);
  auto t0 = Clock::now();
  reconciler::ApplyReport first = Apply(desired);
  ASSERT_TRUE(first.ok()) << first.ToString();
  std::cout << "applied in "
            << std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count()
            << " ms: " << first.writes << " writes\n";
  for (const auto& site : kSites) ExpectMember(site);

  // Exactly the members and the init job, all owned by the Replication.
  auto owned = engine_->ListServices(engine::ListFilter::Labels(
      {{reconciler::labels::kOwnerKind, "Replication"}, {reconciler::labels::kOwnerName, kReplication}}));
  ASSERT_TRUE(owned.ok()) << owned.status().ToString();
  std::vector<std::string> names;
  for (const auto& service : *owned) names.push_back(service.spec.name);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(Join(names), "it-sessions-init it-sessions-itcloud it-sessions-itdouala it-sessions-ityaounde");
  auto init = engine_->InspectService("it-sessions-init");
  ASSERT_TRUE(init.ok());
  EXPECT_EQ(init->spec.mode.kind, engine::ServiceMode::Kind::kReplicatedJob);
  EXPECT_THAT(init->spec.task_template.container_spec.command, Contains("mongosh"));
  EXPECT_THAT(init->spec.task_template.placement.constraints, ElementsAre("node.labels.repl-it-itcloud==on"));

  // The members run (the stand-in mongod), so the engine made their volumes on the node.
  WaitRunning({"it-sessions-itcloud", "it-sessions-itdouala", "it-sessions-ityaounde"},
              std::chrono::seconds(60));
  auto volumes = ListVolumes(host_);
  ASSERT_TRUE(volumes.ok()) << volumes.status().ToString();
  for (const auto& site : kSites) EXPECT_TRUE(volumes->count(std::string(kVolume) + "-" + site)) << site;
  PrintForTheRecord("it-sessions-itdouala");
  PrintForTheRecord("it-sessions-init");

  // Converged: the plan is empty and a second apply writes nothing.
  // (Operations only: the shared swarmop-estate network may predate the test with other settings, which the
  // plan reports as a warning and never changes.)
  reconciler::PlanResult again = PlanFor(desired);
  EXPECT_TRUE(again.plan.operations.empty()) << reconciler::ToString(again.plan);
  engine::CountingEngine counting(engine_.get());
  reconciler::ApplyReport second = Apply(desired, &counting);
  EXPECT_TRUE(second.ok()) << second.ToString();
  EXPECT_EQ(counting.Writes(), 0u) << ::testing::PrintToString(counting.WriteLog());
  std::cout << "re-apply: " << counting.Reads() << " reads, " << counting.Writes() << " writes\n";
}

TEST_F(MongoReplicationInSwarm, RemovingMembersRemovesTheirServicesButNeverTheirVolumes) {
  crds::DesiredState three = Load(kSites);
  reconciler::ApplyReport first = Apply(three);
  ASSERT_TRUE(first.ok()) << first.ToString();
  WaitRunning({"it-sessions-itcloud", "it-sessions-itdouala", "it-sessions-ityaounde"},
              std::chrono::seconds(60));
  auto before = ListVolumes(host_);
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  auto cloud_before = engine_->InspectService("it-sessions-itcloud");
  ASSERT_TRUE(cloud_before.ok());

  // One voter left (three voters -> one: an odd number, as crds requires).
  crds::DesiredState one = Load({"itcloud"});
  reconciler::PlanResult planned = PlanFor(one);
  std::cout << "plan after removing itdouala and ityaounde:\n" << reconciler::ToString(planned.plan);
  reconciler::ApplyReport removed = reconciler::ApplyPlan(*engine_, planned.plan);
  ASSERT_TRUE(removed.ok()) << removed.ToString();
  EXPECT_EQ(engine_->InspectService("it-sessions-itdouala").status().code(), Code::kNotFound);
  EXPECT_EQ(engine_->InspectService("it-sessions-ityaounde").status().code(), Code::kNotFound);
  auto cloud_after = engine_->InspectService("it-sessions-itcloud");
  ASSERT_TRUE(cloud_after.ok());
  EXPECT_EQ(cloud_after->id, cloud_before->id) << "the kept member must not be recreated";
  EXPECT_EQ(cloud_after->version, cloud_before->version) << "the kept member's service must not be updated";

  // The removed members' tasks are gone; their data volumes are still on the node.
  auto deadline = Clock::now() + std::chrono::seconds(30);
  while (Clock::now() < deadline) {
    auto tasks = engine_->ListTasks({"it-sessions-itdouala", std::nullopt, std::nullopt, {}});
    if (!tasks.ok() || tasks->empty()) break;  // (a removed service's name no longer resolves)
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  std::this_thread::sleep_for(std::chrono::seconds(2));  // give a (wrong) removal time to show
  auto after = ListVolumes(host_);
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  for (const auto& site : kSites) {
    const std::string volume = std::string(kVolume) + "-" + site;
    EXPECT_TRUE(before->count(volume)) << volume;
    EXPECT_TRUE(after->count(volume)) << volume << " was removed";
  }
  for (const auto& volume : *before) EXPECT_TRUE(after->count(volume)) << volume << " was removed";
}

TEST_F(MongoReplicationInSwarm, AMissingKeyfileSecretFailsTheApplyNamingTheSecret) {
  crds::DesiredState desired = Load({"itcloud"}, "it-sessions-no-such-keyfile");
  reconciler::PlanResult planned = PlanFor(desired);
  EXPECT_THAT(planned.plan.warnings,
              Contains(HasSubstr("uses secret it-sessions-no-such-keyfile, which does not exist")));
  reconciler::ApplyReport report = reconciler::ApplyPlan(*engine_, planned.plan);
  ASSERT_FALSE(report.ok());
  EXPECT_THAT(report.FirstError().message(), HasSubstr("secret it-sessions-no-such-keyfile"));
  std::cout << "apply error: " << report.FirstError().ToString() << "\n";
  EXPECT_EQ(engine_->InspectService("it-sessions-itcloud").status().code(), Code::kNotFound)
      << "the engine must have refused the member";
}

}  // namespace
}  // namespace swarmop::replication_it
