// The fixture of the MongoDB-in-swarm suites (one integration_replication_swarm binary:
// mongo_swarm_apply_test.cpp, mongo_swarm_operator_test.cpp): the test sites and manifests, the bed
// connection, clean-up, and the steps and timelines both read. What they test is said at the top of
// mongo_swarm_apply_test.cpp.
#pragma once

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

#include "bed_env.h"
#include "render_options.h"  // cli/: the RenderOptions of apply, diff and run
#include "swarm_harness.h"
#include "swarm_objects.h"
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

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Clock = std::chrono::steady_clock;

inline constexpr const char* kReplication = "it-sessions";
inline constexpr const char* kKeyfile = "it-sessions-keyfile";
inline constexpr const char* kVolume = "it-sessions-data";
inline const std::vector<std::string> kSites = {"itcloud", "itdouala", "ityaounde"};

inline std::string NodeLabel(const std::string& site) { return "repl-it-" + site; }

inline std::string SiteYaml(const std::string& site) {
  return "apiVersion: swarmop.io/v1alpha1\nkind: Site\nmetadata: {name: " + site +
         "}\nspec:\n  role: " + (site == "itcloud" ? "cloud" : "edge") + "\n  nodeSelector: {" +
         NodeLabel(site) + ": \"on\"}\n  network: {encrypted: false}\n";
}

// `members`: sites in order; the first has priority 2 (preferred primary).
inline std::string ReplicationYaml(const std::vector<std::string>& members,
                                   const std::string& keyfile = kKeyfile) {
  std::string yaml =
      "apiVersion: swarmop.io/v1alpha1\nkind: Replication\nmetadata: {name: " + std::string(kReplication) +
      "}\nspec:\n  engine: mongodb\n  image: " + kStubImage +
      "\n  replicaSet: rs-it\n  keyFileSecret: " + keyfile + "\n  storage: {volume: " + kVolume +
      "}\n  members:\n";
  for (size_t i = 0; i < members.size(); ++i)
    yaml += "    - {site: " + members[i] + ", priority: " + (i == 0 ? "2" : "1") + "}\n";
  return yaml;
}

inline crds::DesiredState Load(const std::vector<std::string>& members,
                               const std::string& keyfile = kKeyfile) {
  std::string yaml;
  for (const auto& site : kSites) yaml += SiteYaml(site) + "---\n";
  yaml += ReplicationYaml(members, keyfile);
  crds::LoadResult loaded = crds::LoadSpecs({crds::SourceFile{"it-sessions.yaml", yaml}});
  EXPECT_TRUE(loaded.ok()) << crds::FormatDiagnostics(loaded.errors);
  return loaded.state;
}

// An engine timestamp ("2026-11-27T09:07:01.123456789Z") as seconds since the epoch.
inline double EngineSeconds(const std::string& timestamp) {
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

inline std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : " ") + item;
  return out;
}

class MongoReplicationInSwarm : public ::testing::Test {
 protected:
  void SetUp() override {
    auto connected = testsupport::ConnectTestBed(&host_);
    ASSERT_TRUE(connected.ok()) << connected.status().ToString();
    engine_ = std::move(connected).value();
    ASSERT_TRUE(engine_->Ping().ok());
    // A swarmop network an earlier test (another target on this bed) removed still lingers for seconds,
    // and the plan below would meet "network ... not found".
    Status stale = testsupport::WaitOutStaleNetworks(*engine_);
    if (!stale.ok()) std::cerr << "warning: " << stale.ToString() << "\n";
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

  // tests/support/swarm_objects.h: removed, and no longer listed (60 s at most).
  void RemoveNetworkEventually(const std::string& name) {
    Status removed = testsupport::RemoveNetworkEventually(*engine_, name);
    EXPECT_TRUE(removed.ok()) << removed.ToString();
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

}  // namespace swarmop::replication_it
