// Observing a MongoDB Replication in the swarm (replication_observer.h): the running replica set config is
// the config of its last completed initiate/reconfig job. The jobs are made the way `swarmop apply` makes
// them (PlanEstate with observe_replications, then ApplyPlan) on the FakeEngine; their tasks are then set by
// hand.
#include <gtest/gtest.h>

#include <sstream>

#include "fake_engine.h"
#include "swarmop/crds/load.h"
#include "swarmop/reconciler/core/apply.h"
#include "swarmop/reconciler/core/core.h"
#include "swarmop/reconciler/replication/plan_estate.h"
#include "swarmop/reconciler/replication/replication.h"
#include "swarmop/reconciler/replication/replication_observer.h"

namespace swarmop::reconciler {
namespace {

using swarmop::testing::FakeEngine;

std::vector<std::string> Split(const std::string& text, char separator) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, separator);) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

// Sites a, b, c and a Replication "db" with members at `members` ("a,b,c"; the first has priority 2).
crds::DesiredState Estate(const std::string& members) {
  std::string yaml;
  for (const char* site : {"a", "b", "c"}) {
    yaml += std::string("apiVersion: swarmop.io/v1alpha1\nkind: Site\nmetadata: {name: ") + site +
            "}\nspec:\n  role: edge\n  nodeSelector: {site: " + site + "}\n---\n";
  }
  yaml +=
      "apiVersion: swarmop.io/v1alpha1\nkind: Replication\nmetadata: {name: db}\nspec:\n  engine: mongodb\n"
      "  image: mongo:7.0\n  replicaSet: rs0\n  keyFileSecret: db-keyfile\n  members:\n";
  bool first = true;
  for (const auto& site : Split(members, ',')) {
    yaml += "    - {site: " + site + ", priority: " + (first ? "2" : "1") + "}\n";
    first = false;
  }
  crds::LoadResult loaded = crds::LoadSpecs({crds::SourceFile{"db.yaml", yaml}});
  EXPECT_TRUE(loaded.ok()) << crds::FormatDiagnostics(loaded.errors);
  return loaded.state;
}

engine::Task TaskIn(const std::string& state, std::optional<uint64_t> iteration = std::nullopt) {
  engine::Task task;
  task.id = "task-" + state;
  task.slot = 1;
  task.desired_state = "complete";
  task.status.state = state;
  task.job_iteration = iteration;
  return task;
}

// "not initiated", or "v<N> [a,b]" (the members' sites).
std::string Describe(const ReplicationObservation& seen) {
  if (!seen.mongo_config) return "not initiated";
  std::string sites;
  for (const auto& member : seen.mongo_config->members) sites += (sites.empty() ? "" : ",") + member.site();
  return "v" + std::to_string(seen.mongo_config->version) + " [" + sites + "]";
}

class SwarmJobs {
 public:
  SwarmJobs() { fake_.AddSecret("db-keyfile"); }

  PlanResult Plan(const crds::DesiredState& desired) {
    PlanEstateOptions options;
    UseReplicationRendering(options.render);
    options.observe_replications = true;
    auto planned = PlanEstate(fake_, desired, options);
    EXPECT_TRUE(planned.ok()) << planned.status().ToString();
    return planned.ok() ? std::move(*planned) : PlanResult{};
  }

  // "apply a,b": plan and apply that membership; "complete|run|fail <job>": the job's task state;
  // "complete-earlier <job>": a completed task of an earlier job iteration only.
  void Do(const std::string& step) {
    auto space = step.find(' ');
    std::string verb = step.substr(0, space), arg = step.substr(space + 1);
    if (verb == "apply") {
      ApplyReport report = ApplyPlan(fake_, Plan(Estate(arg)).plan);
      EXPECT_TRUE(report.ok()) << step << ": " << report.ToString();
    } else if (verb == "complete") {
      fake_.SetTasks(arg, {TaskIn("failed"), TaskIn("complete")});
    } else if (verb == "run") {
      fake_.SetTasks(arg, {TaskIn("running")});
    } else if (verb == "fail") {
      fake_.SetTasks(arg, {TaskIn("failed"), TaskIn("failed")});
    } else if (verb == "complete-earlier") {
      fake_.SetTasks(arg, {TaskIn("complete", 41), TaskIn("running", 0)});
    } else {
      ADD_FAILURE() << "unknown step " << step;
    }
  }

  std::string Observed(const crds::DesiredState& desired) {
    auto seen = ObserveReplications(fake_, desired);
    if (!seen.ok()) return "error: " + seen.status().ToString();
    auto db = seen->find("db");
    return db == seen->end() ? "missing" : Describe(db->second);
  }

  FakeEngine& fake() { return fake_; }

 private:
  FakeEngine fake_;
};

struct ObserveCase {
  const char* name;
  std::vector<std::string> steps;
  std::string want;
};

class ObserveTable : public ::testing::TestWithParam<ObserveCase> {};

TEST_P(ObserveTable, TheRunningConfigIsTheLastCompletedJobs) {
  const ObserveCase& c = GetParam();
  SwarmJobs swarm;
  for (const auto& step : c.steps) swarm.Do(step);
  EXPECT_EQ(swarm.Observed(Estate("a,b,c")), c.want);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ObserveTable,
    ::testing::Values(
        ObserveCase{"NoJobsMeansNotInitiated", {}, "not initiated"},
        ObserveCase{"ARunningInitJobMeansNotInitiated", {"apply a", "run db-init"}, "not initiated"},
        ObserveCase{"ACompletedInitJobMeansInitiatedAtVersion1", {"apply a", "complete db-init"}, "v1 [a]"},
        ObserveCase{"ARunningReconfigJobLeavesThePreviousConfig",
                    {"apply a", "complete db-init", "apply a,b,c", "run db-reconfig-v2"},
                    "v1 [a]"},
        ObserveCase{"ACompletedReconfigJobIsTheRunningConfig",
                    {"apply a", "complete db-init", "apply a,b,c", "complete db-reconfig-v2"},
                    "v2 [a,b]"},
        ObserveCase{"AFailedReconfigJobLeavesThePreviousConfig",
                    {"apply a", "complete db-init", "apply a,b,c", "fail db-reconfig-v2"},
                    "v1 [a]"},
        ObserveCase{"AFailedInitJobMeansNotInitiated", {"apply a", "fail db-init"}, "not initiated"},
        ObserveCase{"ACompletionOfAnEarlierJobIterationDoesNotCount",
                    {"apply a", "complete db-init", "apply a,b,c", "complete-earlier db-reconfig-v2"},
                    "v1 [a]"},
        ObserveCase{"TheHighestCompletedVersionWins",
                    {"apply a", "complete db-init", "apply a,b,c", "complete db-reconfig-v2", "apply a,b,c",
                     "complete db-reconfig-v3"},
                    "v3 [a,b,c]"}),
    [](const auto& info) { return std::string(info.param.name); });

// The whole move through the planner: one voter per step, each job created only after the previous one
// completed, the version bumped once per step, and nothing written once converged.
TEST(ObservedPlanning, ScaleUpStepsOneVoterPerCompletedJobAndThenWritesNothing) {
  SwarmJobs swarm;
  auto services = [&] {
    std::string names;
    for (const auto& name : swarm.fake().ServiceNames()) names += (names.empty() ? "" : " ") + name;
    return names;
  };
  swarm.Do("apply a");
  EXPECT_EQ(services(), "db-a db-init");
  swarm.Do("complete db-init");
  swarm.fake().ClearWriteLog();
  swarm.Do("apply a,b,c");
  EXPECT_EQ(services(), "db-a db-b db-init db-reconfig-v2");
  swarm.Do("run db-reconfig-v2");
  swarm.fake().ClearWriteLog();
  swarm.Do("apply a,b,c");  // still running: the same step again, nothing written
  EXPECT_EQ(swarm.fake().Writes(), 0u) << ::testing::PrintToString(swarm.fake().WriteLog());
  swarm.Do("complete db-reconfig-v2");
  swarm.Do("apply a,b,c");  // the next voter; the init job goes, the v2 job stays as the record
  EXPECT_EQ(services(), "db-a db-b db-c db-reconfig-v2 db-reconfig-v3");
  EXPECT_EQ(swarm.Observed(Estate("a,b,c")), "v2 [a,b]");
  swarm.Do("complete db-reconfig-v3");
  swarm.Do("apply a,b,c");
  EXPECT_EQ(services(), "db-a db-b db-c db-reconfig-v3");
  EXPECT_EQ(swarm.Observed(Estate("a,b,c")), "v3 [a,b,c]");
  swarm.fake().ClearWriteLog();
  PlanResult converged = swarm.Plan(Estate("a,b,c"));
  EXPECT_TRUE(converged.plan.operations.empty()) << ToString(converged.plan);
  swarm.Do("apply a,b,c");
  EXPECT_EQ(swarm.fake().Writes(), 0u) << ::testing::PrintToString(swarm.fake().WriteLog());
}

TEST(ObservedPlanning, ScaleDownReconfiguresBeforeItStopsTheMember) {
  SwarmJobs swarm;
  swarm.Do("apply a,b,c");
  swarm.Do("complete db-init");
  swarm.Do("apply a");
  auto names = swarm.fake().ServiceNames();
  EXPECT_EQ(names, (std::vector<std::string>{"db-a", "db-b", "db-c", "db-init", "db-reconfig-v2"}));
  swarm.Do("complete db-reconfig-v2");
  swarm.Do("apply a");
  swarm.Do("complete db-reconfig-v3");
  swarm.Do("apply a");
  EXPECT_EQ(swarm.fake().ServiceNames(), (std::vector<std::string>{"db-a", "db-reconfig-v3"}));
  EXPECT_EQ(swarm.Observed(Estate("a")), "v3 [a]");
}

TEST(ObserveReplications, ACompletedJobWithoutItsConfigIsAnErrorNotANewInitiation) {
  SwarmJobs swarm;
  swarm.Do("apply a");
  swarm.Do("complete db-init");
  auto init = swarm.fake().FindService("db-init");
  ASSERT_TRUE(init.has_value());
  engine::ServiceSpec spec = init->spec;
  spec.task_template.container_spec.configs.clear();
  ASSERT_TRUE(swarm.fake().UpdateService(init->id, init->version, spec).ok());
  EXPECT_NE(swarm.Observed(Estate("a")).find("mounts no rs-config-v1.json"), std::string::npos)
      << swarm.Observed(Estate("a"));
}

TEST(ObserveReplications, ReplicationsWithoutMongoAreNotObserved) {
  FakeEngine fake;
  auto seen = ObserveReplications(fake, crds::DesiredState{});
  ASSERT_TRUE(seen.ok());
  EXPECT_TRUE(seen->empty());
  EXPECT_EQ(fake.WriteLog().size(), 0u);
}

TEST(MongoJobVersion, NamesTheJobsVersion) {
  EXPECT_EQ(MongoJobVersion("db", "db-init"), 1);
  EXPECT_EQ(MongoJobVersion("db", "db-reconfig-v12"), 12);
  EXPECT_EQ(MongoJobVersion("db", "db-reconfig-v"), 0);
  EXPECT_EQ(MongoJobVersion("db", "db-reconfig-vx"), 0);
  EXPECT_EQ(MongoJobVersion("db", "db-a"), 0);
  EXPECT_EQ(MongoJobVersion("db", "other-init"), 0);
}

TEST(SnapshotObserver, AnswersFromTheSnapshotOnly) {
  std::map<std::string, ReplicationObservation> snapshot;
  snapshot["db"] = ReplicationObservation{};
  ReplicationObserver observer = SnapshotObserver(snapshot);
  EXPECT_TRUE(observer("db").has_value());
  EXPECT_FALSE(observer("other").has_value());
}

}  // namespace
}  // namespace swarmop::reconciler
