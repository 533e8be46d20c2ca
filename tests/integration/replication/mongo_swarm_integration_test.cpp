// A MongoDB Replication applied to a real swarm through the path `swarmop apply` takes (crds::LoadSpecs, then
// PlanEstate with the CLI's own SwarmopRenderOptions and observe_replications, then ApplyPlan), checked in
// the swarm: one service per member with its placement, named volume, keyFile secret, --replSet and labels; a
// second apply writes nothing; membership changes go one voter per reconfig job, each job created only after
// the previous one completed (repeated applies, and the Operator on its own), with a step timeline printed;
// removing members removes their services and never their volumes; a missing keyFile secret fails the apply
// naming the secret.
// Reads SWARMOP_TEST_DOCKER_HOST (a single-node test bed) and FAILS when it is unset or unreachable. The
// node gets one label per test site (repl-it-<site>=on) and the image is a MongoDB stand-in built here from
// local/busybox:1 (swarm_harness.h); everything the test made is removed afterwards.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>

#include "render_options.h"  // cli/: the RenderOptions of apply, diff and run
#include "swarm_harness.h"
#include "swarmop/crds/load.h"
#include "swarmop/engine/counting_engine.h"
#include "swarmop/engine/engine.h"
#include "swarmop/reconciler/controller/operator.h"
#include "swarmop/reconciler/core/core.h"
#include "swarmop/reconciler/core/labels.h"
#include "swarmop/reconciler/replication/plan_estate.h"
#include "swarmop/reconciler/replication/replication_observer.h"
#include "swarmop/reconciler/store/spec_status.h"

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

// An engine timestamp ("2026-11-27T09:07:01.123456789Z") as seconds since the epoch.
double EngineSeconds(const std::string& timestamp) {
  std::tm tm{};
  std::istringstream in(timestamp.substr(0, 19));
  in >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%S");
  EXPECT_FALSE(in.fail()) << "not an engine timestamp: " << timestamp;
  double fraction = 0;
  if (timestamp.size() > 20 && timestamp[19] == '.') {
    size_t end = timestamp.find_first_not_of("0123456789", 20);
    fraction = std::stod("0" + timestamp.substr(19, end == std::string::npos ? end : end - 19));
  }
  return static_cast<double>(timegm(&tm)) + fraction;
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
    options.observe_replications = true;
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

  // Whether the job's task completed, and the engine's time of that (Task.Status.Timestamp).
  std::optional<std::string> CompletedAt(const std::string& job) {
    auto tasks = engine_->ListTasks({job, std::nullopt, std::nullopt, {}});
    if (!tasks.ok()) return std::nullopt;
    for (const auto& task : *tasks) {
      if (task.status.state == "complete") return task.status.timestamp;
    }
    return std::nullopt;
  }

  void WaitCompleted(const std::string& job, std::chrono::seconds timeout) {
    auto deadline = Clock::now() + timeout;
    while (!CompletedAt(job)) {
      ASSERT_LT(Clock::now(), deadline) << job << " did not complete";
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }

  // What `swarmop apply` run again and again does: plan (observing the jobs), apply, until the plan is
  // empty. Every job creation is checked against the engine's clock: the previous job's task completed
  // before the new job's service was created. Returns the timeline.
  struct Step {
    double at_s;  // since the start
    std::string what;
  };
  std::vector<Step> ApplyUntilConverged(const crds::DesiredState& desired, std::chrono::seconds timeout,
                                        std::vector<std::string>* jobs_created) {
    std::vector<Step> timeline;
    const auto t0 = Clock::now();
    auto now_s = [&] { return std::chrono::duration<double>(Clock::now() - t0).count(); };
    std::map<std::string, std::string> completed;  // job -> engine timestamp of its completed task
    std::vector<std::string> known_jobs, new_jobs;
    int empty_plans = 0;
    for (const auto& service : OwnedNames()) {
      if (IsJob(service)) known_jobs.push_back(service);
    }
    for (;;) {
      for (const auto& job : known_jobs) {
        if (completed.count(job)) continue;
        if (auto at = CompletedAt(job)) {
          completed[job] = *at;
          timeline.push_back({now_s(), job + " completed (task at " + *at + ")"});
        }
      }
      reconciler::PlanResult planned = PlanFor(desired);
      if (planned.plan.operations.empty()) {
        // Nothing to do: converged, unless a job still runs (its step is not done: apply again later).
        bool running = std::any_of(known_jobs.begin(), known_jobs.end(),
                                   [&](const std::string& job) { return !completed.count(job); });
        if (!running) {
          timeline.push_back({now_s(), "plan empty, no job running: converged"});
          return timeline;
        }
        ++empty_plans;
      } else {
        if (empty_plans > 0) {
          timeline.push_back(
              {now_s(), std::to_string(empty_plans) + " apply(s) with an empty plan while the job ran"});
        }
        empty_plans = 0;
      }
      for (const auto& op : planned.plan.operations) {
        std::string what = std::string(reconciler::OpKindName(op.op)) + " " +
                           reconciler::ObjectKindName(op.object) + " " + op.name;
        if (op.object != reconciler::ObjectKind::kService || !IsJob(op.name)) {
          timeline.push_back({now_s(), what});
          continue;
        }
        if (op.op == reconciler::OpKind::kCreate) {
          // A new step: every job made before it must have completed.
          for (const auto& job : known_jobs) {
            auto at = CompletedAt(job);
            EXPECT_TRUE(at.has_value()) << op.name << " planned while " << job << " has not completed";
            if (at && !completed.count(job)) {
              completed[job] = *at;
              timeline.push_back({now_s(), job + " completed (task at " + *at + ")"});
            }
          }
          new_jobs.push_back(op.name);
          if (jobs_created) jobs_created->push_back(op.name);
          known_jobs.push_back(op.name);
        } else if (op.op == reconciler::OpKind::kRemove) {
          std::erase(known_jobs, op.name);
        } else {
          ADD_FAILURE() << "a job was changed (it would rerun): " << what;
        }
        timeline.push_back({now_s(), what});
      }
      reconciler::ApplyReport report = reconciler::ApplyPlan(*engine_, planned.plan);  // (empty: no write)
      EXPECT_TRUE(report.ok()) << report.ToString();
      if (planned.plan.operations.empty()) {
        EXPECT_EQ(report.writes, 0);
      }
      // On the engine's own clock: each new job's service was created after every earlier job completed.
      for (const auto& job : new_jobs) {
        auto service = engine_->InspectService(job);
        if (!service.ok()) {
          ADD_FAILURE() << job << ": " << service.status().ToString();
          continue;
        }
        timeline.push_back({now_s(), job + " created (service at " + service->created_at + ")"});
        for (const auto& [earlier, at] : completed) {
          EXPECT_LT(EngineSeconds(at), EngineSeconds(service->created_at))
              << job << " created at " << service->created_at << ", " << earlier << " completed at " << at;
        }
      }
      new_jobs.clear();
      if (!report.ok() || Clock::now() - t0 > timeout) {
        ADD_FAILURE() << "not converged after " << now_s() << " s";
        return timeline;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
  }

  static bool IsJob(const std::string& name) { return reconciler::MongoJobVersion(kReplication, name) > 0; }

  std::vector<std::string> OwnedNames() {
    auto owned = engine_->ListServices(engine::ListFilter::Labels(
        {{reconciler::labels::kOwnerKind, "Replication"}, {reconciler::labels::kOwnerName, kReplication}}));
    EXPECT_TRUE(owned.ok()) << owned.status().ToString();
    std::vector<std::string> names;
    if (owned.ok()) {
      for (const auto& service : *owned) names.push_back(service.spec.name);
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  // "v3 [itcloud,itdouala,ityaounde]" or "not initiated".
  std::string Observed(const crds::DesiredState& desired) {
    auto seen = reconciler::ObserveReplications(*engine_, desired);
    if (!seen.ok()) return "error: " + seen.status().ToString();
    const auto& config = seen->at(kReplication).mongo_config;
    if (!config) return "not initiated";
    std::string sites;
    for (const auto& member : config->members) sites += (sites.empty() ? "" : ",") + member.site();
    return "v" + std::to_string(config->version) + " [" + sites + "]";
  }

  static void PrintTimeline(const std::string& title, const std::vector<Step>& timeline) {
    std::cout << "[timeline] " << title << "\n";
    for (const Step& step : timeline) {
      std::printf("[timeline] %6.2f s  %s\n", step.at_s, step.what.c_str());
    }
    std::fflush(stdout);
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

  WaitCompleted("it-sessions-init", std::chrono::seconds(30));
  EXPECT_EQ(Observed(three), "v1 [itcloud,itdouala,ityaounde]");

  // One voter left (three voters -> one: an odd number, as crds requires). Observed, the set shrinks one
  // voter per reconfig, and a member's service goes only after the reconfig that removed it completed.
  crds::DesiredState one = Load({"itcloud"});
  reconciler::PlanResult planned = PlanFor(one);
  std::cout << "plan after removing itdouala and ityaounde:\n" << reconciler::ToString(planned.plan);
  EXPECT_THAT(reconciler::ToString(planned.plan), HasSubstr("it-sessions-reconfig-v2"));
  EXPECT_THAT(reconciler::ToString(planned.plan), ::testing::Not(HasSubstr("remove service it-sessions-it")));
  std::vector<std::string> jobs;
  PrintTimeline("scale down 3 -> 1", ApplyUntilConverged(one, std::chrono::seconds(45), &jobs));
  EXPECT_THAT(jobs, ElementsAre("it-sessions-reconfig-v2", "it-sessions-reconfig-v3"));
  EXPECT_EQ(Observed(one), "v3 [itcloud]");
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

TEST_F(MongoReplicationInSwarm, ScaleUpReconfiguresOneVoterPerCompletedJobAndThenWritesNothing) {
  const auto t0 = Clock::now();
  crds::DesiredState one = Load({"itcloud"});
  reconciler::ApplyReport first = Apply(one);
  ASSERT_TRUE(first.ok()) << first.ToString();
  EXPECT_EQ(Join(OwnedNames()), "it-sessions-init it-sessions-itcloud");
  WaitCompleted("it-sessions-init", std::chrono::seconds(30));
  std::cout << "1 member applied, init job completed after "
            << std::chrono::duration<double>(Clock::now() - t0).count() << " s\n";
  EXPECT_EQ(Observed(one), "v1 [itcloud]");

  // Three members: v2 adds itdouala, v3 adds ityaounde; each job only once the previous one completed.
  crds::DesiredState three = Load(kSites);
  std::vector<std::string> jobs;
  std::vector<Step> timeline = ApplyUntilConverged(three, std::chrono::seconds(45), &jobs);
  PrintTimeline("scale up 1 -> 3 (swarmop apply, repeated)", timeline);
  EXPECT_THAT(jobs, ElementsAre("it-sessions-reconfig-v2", "it-sessions-reconfig-v3"));
  EXPECT_EQ(Observed(three), "v3 [itcloud,itdouala,ityaounde]");
  // The member a step adds is started in the same apply as that step's job, never earlier.
  std::vector<std::string> order;
  for (const Step& step : timeline) {
    if (step.what.find("create service") != std::string::npos) order.push_back(step.what);
  }
  ASSERT_EQ(order.size(), 4u) << ::testing::PrintToString(order);
  EXPECT_THAT(order[0], HasSubstr("it-sessions-itdouala"));
  EXPECT_THAT(order[1], HasSubstr("it-sessions-reconfig-v2"));
  EXPECT_THAT(order[2], HasSubstr("it-sessions-ityaounde"));
  EXPECT_THAT(order[3], HasSubstr("it-sessions-reconfig-v3"));
  // Only the job of the running config is left, as the record of it.
  EXPECT_EQ(Join(OwnedNames()),
            "it-sessions-itcloud it-sessions-itdouala it-sessions-ityaounde it-sessions-reconfig-v3");

  // Nothing changed: a final apply writes nothing and bumps no version.
  engine::CountingEngine counting(engine_.get());
  reconciler::ApplyReport again = Apply(three, &counting);
  EXPECT_TRUE(again.ok()) << again.ToString();
  EXPECT_EQ(counting.Writes(), 0u) << ::testing::PrintToString(counting.WriteLog());
  EXPECT_EQ(Observed(three), "v3 [itcloud,itdouala,ityaounde]");
  std::cout << "final apply: " << counting.Reads() << " reads, " << counting.Writes() << " writes; total "
            << std::chrono::duration<double>(Clock::now() - t0).count() << " s\n";
}

// Watch mode: `swarmop run`'s Operator (its render options, observe_replications) takes the same move from
// 1 to 3 members on its own, with a long resync so that only its requeue while a job runs drives the steps.
TEST_F(MongoReplicationInSwarm, TheOperatorStepsOneVoterPerCompletedJobOnItsOwn) {
  using namespace std::chrono_literals;
  const auto t0 = Clock::now();
  auto now_s = [&] { return std::chrono::duration<double>(Clock::now() - t0).count(); };
  ASSERT_TRUE(Apply(Load({"itcloud"})).ok());
  WaitCompleted("it-sessions-init", 30s);

  // The 3-member specs stored as `docker config create` would (one config per spec).
  std::vector<std::string> spec_configs;
  for (const auto& site : kSites) {
    spec_configs.push_back("it-spec-site-" + site);
    ASSERT_TRUE(engine_->CreateConfig(engine::ConfigSpec{spec_configs.back(), {}, SiteYaml(site), ""}).ok());
  }
  spec_configs.push_back("it-spec-sessions");
  ASSERT_TRUE(
      engine_->CreateConfig(engine::ConfigSpec{spec_configs.back(), {}, ReplicationYaml(kSites), ""}).ok());
  auto cleanup = [&] {
    for (const auto& name : spec_configs) (void)engine_->RemoveConfig(name);
  };

  reconciler::OperatorOptions options;
  options.listen = "";
  options.controller.resync = 600s;  // no resync during the test: steps come from the requeue alone
  options.reconcile.progress_requeue = 500ms;
  options.reconcile.render = cli::SwarmopRenderOptions();
  options.reconcile.observe_replications = true;  // as cli/run_command.cpp
  auto op = reconciler::Operator::Start(*engine_, options);
  ASSERT_TRUE(op.ok()) << op.status().ToString();

  std::vector<Step> timeline{{now_s(), "operator started (1 member running, init completed)"}};
  std::vector<std::string> seen = OwnedNames(), jobs_appeared;
  std::map<std::string, std::string> completed, created;
  const std::string want =
      "it-sessions-itcloud it-sessions-itdouala it-sessions-ityaounde it-sessions-reconfig-v3";
  bool done = false;
  while (Clock::now() - t0 < 45s) {
    std::vector<std::string> names = OwnedNames();
    for (const auto& name : names) {
      if (std::find(seen.begin(), seen.end(), name) != seen.end()) continue;
      std::string what = name + " created";
      if (IsJob(name)) {
        jobs_appeared.push_back(name);
        auto service = engine_->InspectService(name);
        if (service.ok()) created[name] = service->created_at;
        what += " (service at " + created[name] + ")";
      }
      timeline.push_back({now_s(), what});
    }
    for (const auto& name : seen) {
      if (std::find(names.begin(), names.end(), name) == names.end())
        timeline.push_back({now_s(), name + " removed"});
    }
    seen = names;
    for (const auto& name : names) {
      if (!IsJob(name) || completed.count(name)) continue;
      if (auto at = CompletedAt(name)) {
        completed[name] = *at;
        timeline.push_back({now_s(), name + " completed (task at " + *at + ")"});
      }
    }
    if (Join(names) == want && completed.count("it-sessions-reconfig-v3")) {
      done = true;
      break;
    }
    std::this_thread::sleep_for(100ms);
  }
  PrintTimeline("scale up 1 -> 3 (the Operator)", timeline);
  EXPECT_TRUE(done) << "not converged: " << Join(OwnedNames());
  EXPECT_THAT(jobs_appeared, ElementsAre("it-sessions-reconfig-v2", "it-sessions-reconfig-v3"));
  if (created.count("it-sessions-reconfig-v3") && completed.count("it-sessions-reconfig-v2")) {
    EXPECT_LT(EngineSeconds(completed["it-sessions-reconfig-v2"]),
              EngineSeconds(created["it-sessions-reconfig-v3"]))
        << "v3 was created before v2 completed";
  }
  if (created.count("it-sessions-reconfig-v2") && completed.count("it-sessions-init")) {
    EXPECT_LT(EngineSeconds(completed["it-sessions-init"]),
              EngineSeconds(created["it-sessions-reconfig-v2"]));
  }
  EXPECT_EQ(Observed(Load(kSites)), "v3 [itcloud,itdouala,ityaounde]");

  // Converged: the Operator writes nothing more to what runs, and the spec's status says Converged.
  auto service_writes = [&] {
    uint64_t n = 0;
    for (const auto& line : (*op)->engine().WriteLog())
      n += line.find(" service ") != std::string::npos ? 1 : 0;
    return n;
  };
  const uint64_t writes = service_writes();
  std::string reason;
  for (auto deadline = Clock::now() + 10s; Clock::now() < deadline; std::this_thread::sleep_for(200ms)) {
    auto stored = engine_->InspectConfig("it-spec-sessions");
    if (!stored.ok()) continue;
    auto it = stored->spec.labels.find(reconciler::status_labels::kReason);
    reason = it == stored->spec.labels.end() ? "" : it->second;
    if (reason == "Converged") break;
  }
  std::this_thread::sleep_for(2s);
  EXPECT_EQ(reason, "Converged");
  EXPECT_EQ(service_writes(), writes) << ::testing::PrintToString((*op)->engine().WriteLog());
  std::cout << "operator: " << writes << " service writes in all, status " << reason << " at " << now_s()
            << " s\n";
  (*op)->Stop();
  cleanup();
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
