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
#include "mongo_swarm_fixture.h"

namespace swarmop::replication_it {
namespace {

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
