// ApplyPlan against the fake swarm: idempotence, retries, faults, and what a partial failure must not do.
#include "swarmop/reconciler/core/apply.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "estate_fixtures.h"
#include "swarmop/engine/counting_engine.h"
#include "swarmop/reconciler/core/labels.h"

namespace swarmop::reconciler {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace swarmop::reconciler::testing;
using swarmop::testing::FakeEngine;

TEST(ApplyPlan, FreshApplyCreatesEverythingAndTheSecondApplyMakesZeroWrites) {
  FakeEngine fake;
  engine::CountingEngine counting(&fake);
  ApplyReport first = Converge(counting, TwoSiteEstate());
  ASSERT_TRUE(first.ok()) << first.ToString();
  EXPECT_EQ(first.writes, 6);  // 3 networks, 3 services
  EXPECT_THAT(fake.ServiceNames(), ElementsAre("api-douala", "api-yaounde", "web-douala"));
  counting.Reset();
  ApplyReport second = Converge(counting, TwoSiteEstate());
  EXPECT_TRUE(second.ok());
  EXPECT_EQ(second.writes, 0);
  EXPECT_EQ(counting.Writes(), 0u) << ::testing::PrintToString(counting.WriteLog());
  EXPECT_TRUE(second.results.empty());
}

TEST(ApplyPlan, ApplyingTheSamePlanTwiceWritesOnlyOnce) {
  FakeEngine fake;
  crds::DesiredState desired = TwoSiteEstate();
  ASSERT_TRUE(Converge(fake, desired).ok());
  desired.services[1].spec.sites["douala"].replicas = 5;
  Plan plan = PlanOf(fake, desired);
  ASSERT_EQ(plan.operations.size(), 1u);
  EXPECT_EQ(ApplyPlan(fake, plan).writes, 1);
  ApplyReport again = ApplyPlan(fake, plan);  // stale plan: re-inspect shows it already matches
  EXPECT_EQ(again.writes, 0);
  EXPECT_THAT(again.results[0].detail, HasSubstr("already up to date"));
}

TEST(ApplyPlan, UpdateOutOfSequenceOnceIsReReadAndRetried) {
  FakeEngine fake;
  crds::DesiredState desired = TwoSiteEstate();
  ASSERT_TRUE(Converge(fake, desired).ok());
  desired.services[1].spec.sites["douala"].replicas = 2;
  fake.FailNext("update service", 1, AbortedError("update out of sequence"));
  ApplyReport report = Converge(fake, desired);
  ASSERT_TRUE(report.ok()) << report.ToString();
  EXPECT_EQ(report.writes, 1);
  EXPECT_THAT(report.results[0].detail, HasSubstr("retried after: "));
  EXPECT_EQ(fake.FindService("web-douala")->spec.mode.replicas, 2u);
}

TEST(ApplyPlan, ServerErrorsAndTimeoutsAreRetried) {
  FakeEngine fake;
  fake.FailNext("create network", 2, InternalError("500 internal server error"));
  fake.FailNext("create service", 1, TimeoutError("request deadline exceeded"));
  ApplyReport report = Converge(fake, TwoSiteEstate());
  ASSERT_TRUE(report.ok()) << report.ToString();
  EXPECT_EQ(fake.ServiceNames().size(), 3u);
}

TEST(ApplyPlan, TimedOutCreateThatLandedIsAdoptedNotDuplicated) {
  FakeEngine fake;
  fake.FailNext("create service", 1, TimeoutError("request deadline exceeded"), /*after_effect=*/true);
  ApplyReport report = Converge(fake, TwoSiteEstate());
  ASSERT_TRUE(report.ok()) << report.ToString();
  EXPECT_EQ(fake.ServiceNames().size(), 3u);
  EXPECT_EQ(Converge(fake, TwoSiteEstate()).writes, 0);
}

TEST(ApplyPlan, PersistentFailureNamesItsObjectAndPreventsPruning) {
  FakeEngine fake;
  crds::DesiredState desired = TwoSiteEstate();
  ASSERT_TRUE(Converge(fake, desired).ok());
  desired.services.pop_back();                            // web is pruned ...
  desired.services[0].spec.sites["douala"].replicas = 9;  // ... after api-douala is updated
  fake.FailNext("update service", 10, InternalError("500 boom"));
  ApplyReport report = Converge(fake, desired);
  EXPECT_FALSE(report.ok());
  EXPECT_THAT(report.FirstError().ToString(), HasSubstr("update service api-douala"));
  EXPECT_THAT(report.ToString(),
              HasSubstr("remove service web-douala: FAILED: failed precondition: not attempted"));
  EXPECT_TRUE(fake.FindService("web-douala").has_value());
}

TEST(ApplyPlan, UpdateCarriesTheActualRawSpecSoUnknownFieldsSurvive) {
  FakeEngine fake;
  crds::DesiredState desired = TwoSiteEstate();
  ASSERT_TRUE(Converge(fake, desired).ok());
  desired.services[1].spec.sites["douala"].replicas = 3;
  ASSERT_TRUE(Converge(fake, desired).ok());
  EXPECT_THAT(fake.LastUpdateRawSpec("web-douala"), HasSubstr("FakeUnknownField"));
}

TEST(ApplyPlan, ConfigRotationUpdatesTheServiceThenRemovesTheOldConfig) {
  FakeEngine fake;
  crds::DesiredState desired = TwoSiteEstate();
  desired.services[1].spec.configs = {{"index", "/www/index.html", std::string("v1"), std::nullopt}};
  ASSERT_TRUE(Converge(fake, desired).ok());
  desired.services[1].spec.configs[0].content = "v2";
  fake.ClearWriteLog();
  ApplyReport report = Converge(fake, desired);
  ASSERT_TRUE(report.ok()) << report.ToString();
  EXPECT_THAT(fake.WriteLog(), ElementsAre("create config " + ContentConfigName("web", "index", "v2"),
                                           "update service web-douala",
                                           "remove config " + ContentConfigName("web", "index", "v1")));
  EXPECT_EQ(Converge(fake, desired).writes, 0);
}

TEST(ApplyPlan, SecretsAndExistingConfigsAreResolvedToTheirIds) {
  FakeEngine fake;
  fake.AddSecret("db-password");
  fake.AddConfig(engine::ConfigSpec{"shared-conf", {}, "x", ""});
  crds::DesiredState desired = TwoSiteEstate();
  desired.services[1].spec.secrets = {{"db-password", ""}};
  desired.services[1].spec.configs = {{"", "/etc/shared.conf", std::nullopt, std::string("shared-conf")}};
  ApplyReport report = Converge(fake, desired);
  ASSERT_TRUE(report.ok()) << report.ToString();  // the fake rejects references whose ID and name differ
  EXPECT_EQ(Converge(fake, desired).writes, 0);
}

TEST(ApplyPlan, MissingSecretFailsThatServiceOnly) {
  FakeEngine fake;
  crds::DesiredState desired = TwoSiteEstate();
  desired.services[1].spec.secrets = {{"nope", ""}};
  ApplyReport report = Converge(fake, desired);
  EXPECT_THAT(report.FirstError().ToString(), HasSubstr("create service web-douala"));
  EXPECT_THAT(report.FirstError().ToString(), HasSubstr("secret nope"));
  EXPECT_THAT(fake.ServiceNames(), ElementsAre("api-douala", "api-yaounde"));
}

TEST(ApplyPlan, UnownedServiceIsNeverUpdatedEvenIfAStalePlanSaysSo) {
  FakeEngine fake;
  crds::DesiredState desired = TwoSiteEstate();
  ASSERT_TRUE(Converge(fake, desired).ok());
  desired.services[1].spec.sites["douala"].replicas = 2;
  Plan plan = PlanOf(fake, desired);
  // Someone strips the label between plan and apply.
  auto web = *fake.FindService("web-douala");
  web.spec.labels.erase(labels::kManagedBy);
  ASSERT_TRUE(fake.UpdateService(web.id, web.version, web.spec).ok());
  fake.ClearWriteLog();
  ApplyReport report = ApplyPlan(fake, plan);
  EXPECT_THAT(report.FirstError().ToString(), HasSubstr("is not swarmop's"));
  EXPECT_TRUE(fake.WriteLog().empty());
}

TEST(ApplyPlan, TwentyServicesApplyConcurrentlyAndOneChangeMakesOneUpdate) {
  FakeEngine fake;
  engine::CountingEngine counting(&fake);
  crds::DesiredState desired;
  desired.sites = {Site("cloud")};
  for (int i = 0; i < 20; ++i) desired.services.push_back(Service("svc" + std::to_string(i), {{"cloud", 1}}));
  ASSERT_TRUE(Converge(counting, desired).ok());
  EXPECT_EQ(fake.ServiceNames().size(), 20u);
  desired.services[7].spec.env["NEW"] = "1";
  counting.Reset();
  ApplyReport report = Converge(counting, desired);
  ASSERT_TRUE(report.ok());
  EXPECT_THAT(counting.WriteLog(), ElementsAre(HasSubstr("update service svc7-cloud")));
}

}  // namespace
}  // namespace swarmop::reconciler
