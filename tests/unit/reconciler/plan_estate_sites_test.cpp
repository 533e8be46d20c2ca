// PlanEstate for the swarm of a separate-swarm Site (PlanEstateOptions::target_site) and the local swarm
// beside it, against one FakeEngine per swarm: what is planned where, and what pruning may touch.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "estate_fixtures.h"
#include "swarmop/reconciler/core/core.h"
#include "swarmop/reconciler/core/labels.h"
#include "swarmop/reconciler/replication/plan_estate.h"

namespace swarmop::reconciler {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using namespace swarmop::reconciler::testing;
using swarmop::testing::FakeEngine;

// douala is a site of the local swarm, yaounde its own swarm; api runs at both, web at yaounde only with
// an inline config.
crds::DesiredState MixedEstate() {
  crds::DesiredState desired;
  desired.sites = {Site("douala"), SeparateSite("yaounde")};
  desired.services = {Service("api", {{"douala", 1}, {"yaounde", 2}}), Service("web", {{"yaounde", 1}})};
  crds::ConfigFile file;
  file.target = "/etc/web.conf";
  file.content = "listen 80\n";
  desired.services[1].spec.configs.push_back(file);
  return desired;
}

PlanResult MustPlan(engine::Engine& engine, const crds::DesiredState& desired,
                    std::optional<std::string> target_site) {
  PlanEstateOptions options;
  options.target_site = std::move(target_site);
  auto planned = PlanEstate(engine, desired, options);
  EXPECT_TRUE(planned.ok()) << planned.status().ToString();
  return planned.ok() ? std::move(planned).value() : PlanResult{};
}

std::vector<std::string> Summaries(const Plan& plan) {
  std::vector<std::string> out;
  for (const Operation& op : plan.operations) out.push_back(op.Summary());
  return out;
}

engine::Labels OwnedAt(const std::string& owner, const std::string& site) {
  return {{labels::kManagedBy, labels::kManagerName},
          {labels::kOwnerKind, "Service"},
          {labels::kOwnerName, owner},
          {labels::kSite, site}};
}

engine::ServiceSpec ServiceNamed(const std::string& name, engine::Labels labels) {
  engine::ServiceSpec spec;
  spec.name = name;
  spec.task_template.container_spec.image = "local/busybox:1";
  spec.labels = std::move(labels);
  return spec;
}

TEST(PlanEstateForASite, ASeparateSitesObjectsArePlannedAgainstItsOwnEngineAsLocalObjects) {
  FakeEngine yaounde;
  PlanResult planned = MustPlan(yaounde, MixedEstate(), "yaounde");
  EXPECT_THAT(
      Summaries(planned.plan),
      ElementsAre("create network swarmop-yaounde", "create config " + planned.desired.configs[0].spec.name,
                  "create service api-yaounde", "create service web-yaounde"));
  EXPECT_THAT(planned.plan.left_alone, IsEmpty());
  for (const DesiredService& service : planned.desired.services) EXPECT_TRUE(service.target.local());
}

TEST(PlanEstateForASite, LocalObjectsAreNeverPlannedOnASitesEngine) {
  FakeEngine yaounde;
  PlanResult planned = MustPlan(yaounde, MixedEstate(), "yaounde");
  for (const Operation& op : planned.plan.operations) {
    EXPECT_EQ(op.name.find("douala"), std::string::npos) << op.Summary();
    EXPECT_NE(op.name, kEstateNetworkName);
  }
}

TEST(PlanEstateForASite, TheLocalPlanLeavesTheSeparateSitesObjectsAlone) {
  FakeEngine local;
  PlanResult planned = MustPlan(local, MixedEstate(), std::nullopt);
  EXPECT_THAT(Summaries(planned.plan),
              ElementsAre("create network swarmop-douala", "create network swarmop-estate",
                          "create service api-douala"));  // web's config serves yaounde only
  std::vector<std::string> skipped;
  for (const Skip& skip : planned.plan.left_alone) skipped.push_back(skip.name);
  EXPECT_THAT(skipped, ElementsAre("swarmop-yaounde", "api-yaounde", "web-yaounde"));
}

TEST(PlanEstateForASite, ASiteConvergedOnItsEngineNeedsNoWriteTheSecondTime) {
  FakeEngine yaounde;
  crds::DesiredState desired = MixedEstate();
  ApplyOptions apply;
  apply.retry_backoff = std::chrono::milliseconds(1);
  ApplyReport report = ApplyPlan(yaounde, MustPlan(yaounde, desired, "yaounde").plan, apply);
  ASSERT_TRUE(report.ok()) << report.FirstError().ToString();
  EXPECT_TRUE(MustPlan(yaounde, desired, "yaounde").plan.empty());
}

TEST(PlanEstateForASite, PruneOnASiteEngineOnlyTouchesThatSitesOwnedObjects) {
  FakeEngine yaounde;
  yaounde.AddService(ServiceNamed("legacy", {{"team", "ops"}}));               // not swarmop's
  yaounde.AddService(ServiceNamed("old-yaounde", OwnedAt("old", "yaounde")));  // this site's, unwanted
  yaounde.AddService(ServiceNamed("api-douala", OwnedAt("api", "douala")));    // another site's
  yaounde.AddService(ServiceNamed("shared", OwnedAt("shared", "")));           // no site
  PlanResult planned = MustPlan(yaounde, MixedEstate(), "yaounde");
  std::vector<std::string> removals;
  for (const Operation& op : planned.plan.operations) {
    if (op.op == OpKind::kRemove) removals.push_back(op.Summary());
  }
  EXPECT_THAT(removals, ElementsAre("remove service old-yaounde"));
}

TEST(PlanEstateForASite, TheLocalPruneNeverRemovesAnObjectOfASeparateSite) {
  FakeEngine local;
  local.AddService(
      ServiceNamed("web-yaounde", OwnedAt("web", "yaounde")));  // as if yaounde's swarm were this one
  local.AddService(ServiceNamed("old-douala", OwnedAt("old", "douala")));
  PlanResult planned = MustPlan(local, MixedEstate(), std::nullopt);
  std::vector<std::string> removals;
  for (const Operation& op : planned.plan.operations) {
    if (op.op == OpKind::kRemove) removals.push_back(op.Summary());
  }
  EXPECT_THAT(removals, ElementsAre("remove service old-douala"));
}

TEST(PlanEstateForASite, AConfigAnotherPartOfTheEstateRendersIsNotPrunedFromASite) {
  FakeEngine yaounde;
  crds::DesiredState desired = MixedEstate();
  crds::ConfigFile file;
  file.target = "/etc/api.conf";
  file.content = "api\n";
  desired.services[0].spec.sites.erase("yaounde");  // api only at douala now
  desired.services[0].spec.configs.push_back(file);
  auto rendered = Render(desired);
  ASSERT_TRUE(rendered.ok());
  std::string api_config;
  for (const DesiredConfig& config : rendered->configs) {
    if (config.owner.name == "api") api_config = config.spec.name;
  }
  ASSERT_FALSE(api_config.empty());
  engine::ConfigSpec stray{api_config, OwnedAt("api", ""), "api\n", ""};
  stray.labels.erase(labels::kSite);
  yaounde.AddConfig(stray);
  engine::ConfigSpec unwanted{"web-old-0123456789ab", stray.labels, "old\n", ""};
  yaounde.AddConfig(unwanted);
  PlanResult planned = MustPlan(yaounde, desired, "yaounde");
  std::vector<std::string> removals;
  for (const Operation& op : planned.plan.operations) {
    if (op.op == OpKind::kRemove) removals.push_back(op.Summary());
  }
  EXPECT_THAT(removals, ElementsAre("remove config web-old-0123456789ab"));
}

TEST(SeparateSwarmSites, NamesTheSitesWithAnEngineInSpecOrder) {
  crds::DesiredState desired = MixedEstate();
  desired.sites.push_back(SeparateSite("cloud"));
  std::vector<std::string> names;
  for (const crds::Site* site : SeparateSwarmSites(desired)) names.push_back(site->name());
  EXPECT_THAT(names, ElementsAre("yaounde", "cloud"));
}

}  // namespace
}  // namespace swarmop::reconciler
