// The Operator (watch mode) on the same Replication: see mongo_swarm_apply_test.cpp for the whole story.
#include "mongo_swarm_fixture.h"

namespace swarmop::replication_it {
namespace {

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

}  // namespace
}  // namespace swarmop::replication_it
