// ComputePlan against a fake swarm: each case starts from a converged estate (applied through the fake, so
// the actual state has the engine's representation), changes something, and states the exact plan.
#include "swarmop/reconciler/core/plan.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "estate_fixtures.h"
#include "swarmop/reconciler/core/labels.h"
#include "swarmop/reconciler/replication/plan_estate.h"

namespace swarmop::reconciler {
namespace {

using ::testing::HasSubstr;
using namespace swarmop::reconciler::testing;
using swarmop::testing::FakeEngine;

engine::ServiceSpec UnownedService(const std::string& name) {
  engine::ServiceSpec spec;
  spec.name = name;
  spec.task_template.container_spec.image = "nginx:1";
  spec.labels = {{"team", "ops"}};
  return spec;
}

struct Case {
  const char* name;
  std::function<void(crds::DesiredState&)> change_spec;  // after the first apply
  std::function<void(FakeEngine&)> change_swarm;         // after the first apply
  const char* expected_plan;
};

const Case kCases[] = {
    {"ConvergedEstatePlansNothing", nullptr, nullptr, ""},
    {"DigestPinnedImageDoesNotFlap", nullptr, [](FakeEngine& e) { e.SetPinDigests(true); }, ""},
    {"ChangedReplicasUpdateOnlyThatService",
     [](crds::DesiredState& d) { d.services[0].spec.sites["yaounde"].replicas = 3; }, nullptr,
     "update service api-yaounde\n"
     "  mode.replicas: 2 -> 3\n"},
    {"ChangedImageUpdatesEverySiteOfThatService",
     [](crds::DesiredState& d) { d.services[0].spec.image = "local/busybox:2"; }, nullptr,
     "update service api-douala\n"
     "  image: local/busybox:1 -> local/busybox:2\n"
     "update service api-yaounde\n"
     "  image: local/busybox:1 -> local/busybox:2\n"},
    {"ChangedSpecHashAloneChangesNothing", [](crds::DesiredState& d) { d.services[0].hash = "other"; },
     nullptr, ""},
    {"RemovedSpecPrunesItsServices", [](crds::DesiredState& d) { d.services.erase(d.services.begin()); },
     nullptr,
     "remove service api-douala (no spec wants it)\n"
     "remove service api-yaounde (no spec wants it)\n"},
    {"RemovedSiteFromAServicePrunesOnlyThatSitesService",
     [](crds::DesiredState& d) { d.services[0].spec.sites.erase("yaounde"); }, nullptr,
     "remove service api-yaounde (no spec wants it)\n"},
    {"RemovedSitePrunesItsNetworkAfterItsServices",
     [](crds::DesiredState& d) {
       d.sites.pop_back();
       d.services[0].spec.sites.erase("yaounde");
     },
     nullptr,
     "remove service api-yaounde (no spec wants it)\n"
     "remove network swarmop-yaounde (no spec wants it)\n"},
    {"NewServiceIsCreated",
     [](crds::DesiredState& d) {
       d.services.push_back(Service("new", {{"douala", 1}}));
     },
     nullptr, "create service new-douala\n"},
    {"UnownedServiceWithSameNameIsNeverTouched",
     [](crds::DesiredState& d) {
       d.services.push_back(Service("nginx", {{"douala", 1}}));
     },
     [](FakeEngine& e) { e.AddService(UnownedService("nginx-douala")); },
     "# left alone: service nginx-douala: exists and is not swarmop's: left alone\n"},
    {"UnownedServiceIsNeverPrunedWhateverItsName", nullptr,
     [](FakeEngine& e) { e.AddService(UnownedService("api-kribi")); }, ""},
    {"ServiceChangedBehindSwarmopsBackIsPutBack", nullptr,
     [](FakeEngine& e) {
       auto s = *e.FindService("web-douala");
       s.spec.task_template.container_spec.env = {"DEBUG=1"};
       ASSERT_TRUE(e.UpdateService(s.id, s.version, s.spec).ok());
     },
     "update service web-douala\n"
     "  env.DEBUG: 1 -> (none)\n"},
    {"ModeChangeIsPlannedAsRemoveAndCreate", nullptr,
     [](FakeEngine& e) {
       auto s = *e.FindService("web-douala");
       ASSERT_TRUE(e.RemoveService(s.id).ok());
       s.spec.mode = engine::ServiceMode{engine::ServiceMode::Kind::kGlobal};
       e.AddService(s.spec);
     },
     "replace service web-douala (the service mode cannot change in place: remove + create)\n"
     "  mode: global -> replicated\n"
     "  mode.replicas: (none) -> 1\n"},
    {"SeparateSwarmSiteIsLeftAloneWithAClearReason",
     [](crds::DesiredState& d) {
       d.sites.push_back(SeparateSite("cloud"));
       d.services[1].spec.sites["cloud"].replicas = 1;
     },
     nullptr,
     "# left alone: network swarmop-cloud: site cloud is a separate swarm (tcp://10.20.0.10:2376): planned "
     "on its own engine\n"
     "# left alone: service web-cloud: site cloud is a separate swarm (tcp://10.20.0.10:2376): planned on "
     "its own engine\n"},
};

class ComputePlanTest : public ::testing::TestWithParam<Case> {};

TEST_P(ComputePlanTest, PlansExactly) {
  const Case& c = GetParam();
  FakeEngine fake;
  crds::DesiredState desired = TwoSiteEstate();
  ApplyReport first = Converge(fake, desired);
  ASSERT_TRUE(first.ok()) << first.ToString();
  if (c.change_spec) c.change_spec(desired);
  if (c.change_swarm) c.change_swarm(fake);
  EXPECT_EQ(ToString(PlanOf(fake, desired)), c.expected_plan);
}

INSTANTIATE_TEST_SUITE_P(ComputePlan, ComputePlanTest, ::testing::ValuesIn(kCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(ComputePlan, FreshEstateCreatesNetworksThenConfigsThenServices) {
  FakeEngine fake;
  crds::DesiredState desired = TwoSiteEstate();
  desired.services[1].spec.configs = {{"index", "/www/index.html", std::string("hello"), std::nullopt}};
  std::string config = ContentConfigName("web", "index", "hello");
  EXPECT_EQ(ToString(PlanOf(fake, desired)),
            "create network swarmop-douala\n"
            "create network swarmop-estate\n"
            "create network swarmop-yaounde\n"
            "create config " +
                config +
                "\n"
                "create service api-douala\n"
                "create service api-yaounde\n"
                "create service web-douala\n");
}

TEST(ComputePlan, DependsOnOrdersCreates) {
  FakeEngine fake;
  crds::DesiredState desired = TwoSiteEstate();
  desired.services[0].spec.depends_on = {"web"};  // api after web
  desired.services.push_back(Service("worker", {{"douala", 1}}));
  desired.services.back().spec.depends_on = {"api", "db"};  // db: a Replication, renders nothing yet
  Plan plan = PlanOf(fake, desired);
  std::vector<std::string> services;
  std::map<std::string, int> phase;
  for (const auto& op : plan.operations) {
    if (op.object == ObjectKind::kService) services.push_back(op.name);
    phase[op.name] = op.phase;
  }
  EXPECT_THAT(services, ::testing::ElementsAre("web-douala", "api-douala", "api-yaounde", "worker-douala"));
  EXPECT_LT(phase["web-douala"], phase["api-douala"]);
  EXPECT_EQ(phase["api-douala"], phase["api-yaounde"]);  // independent: may run together
  EXPECT_LT(phase["api-yaounde"], phase["worker-douala"]);
}

TEST(ComputePlan, ChangedConfigContentRotatesTheConfigAndRemovesTheOld) {
  FakeEngine fake;
  crds::DesiredState desired = TwoSiteEstate();
  desired.services[1].spec.configs = {{"index", "/www/index.html", std::string("v1"), std::nullopt}};
  ASSERT_TRUE(Converge(fake, desired).ok());
  desired.services[1].spec.configs[0].content = "v2";
  std::string v1 = ContentConfigName("web", "index", "v1");
  std::string v2 = ContentConfigName("web", "index", "v2");
  EXPECT_EQ(ToString(PlanOf(fake, desired)), "create config " + v2 +
                                                 "\n"
                                                 "update service web-douala\n"
                                                 "  configs./www/index.html: " +
                                                 v1 + " uid=0 gid=0 mode=0444 -> " + v2 +
                                                 " uid=0 gid=0 mode=0444\n"
                                                 "remove config " +
                                                 v1 + " (no spec wants it)\n");
}

TEST(ComputePlan, PruneOffKeepsWhatNoSpecWants) {
  FakeEngine fake;
  crds::DesiredState desired = TwoSiteEstate();
  ASSERT_TRUE(Converge(fake, desired).ok());
  desired.services.pop_back();
  PlanEstateOptions options;
  options.plan.prune = false;
  EXPECT_TRUE(PlanEstate(fake, desired, options)->plan.empty());
}

TEST(ComputePlan, SpecStoreConfigsAreNeverPruned) {
  FakeEngine fake;
  crds::DesiredState desired = TwoSiteEstate();
  ASSERT_TRUE(Converge(fake, desired).ok());
  fake.AddConfig(engine::ConfigSpec{"swarmop-spec-service-api-0123456789ab",
                                    {{labels::kManagedBy, labels::kManagerName},
                                     {labels::kRole, labels::kRoleSpec},
                                     {labels::kKind, "Service"},
                                     {labels::kName, "api"}},
                                    "kind: Service",
                                    ""});
  EXPECT_EQ(ToString(PlanOf(fake, desired)), "");
}

TEST(ComputePlan, MissingSecretIsWarnedBeforeAnyWrite) {
  FakeEngine fake;
  crds::DesiredState desired = TwoSiteEstate();
  desired.services[1].spec.secrets = {{"db-password", ""}};
  Plan plan = PlanOf(fake, desired);
  ASSERT_EQ(plan.warnings.size(), 1u);
  EXPECT_THAT(plan.warnings[0], HasSubstr("uses secret db-password, which does not exist"));
}

TEST(FilterPlan, KeepsOneOwnersOperations) {
  FakeEngine fake;
  Plan plan = PlanOf(fake, TwoSiteEstate());
  EXPECT_EQ(ToString(FilterPlan(plan, Request{"Service", "web"})), "create service web-douala\n");
  EXPECT_EQ(ToString(FilterPlan(plan, Request{"Site", "yaounde"})),
            "create network swarmop-yaounde\n"
            "create service api-yaounde\n");
}

TEST(ToJson, ListsOperationsWithTheirChanges) {
  FakeEngine fake;
  crds::DesiredState desired = TwoSiteEstate();
  ASSERT_TRUE(Converge(fake, desired).ok());
  desired.services[1].spec.sites["douala"].replicas = 4;
  std::string json = ToJson(PlanOf(fake, desired));
  EXPECT_THAT(json, HasSubstr("\"op\": \"update\""));
  EXPECT_THAT(json, HasSubstr("\"name\": \"web-douala\""));
  EXPECT_THAT(json, HasSubstr("\"path\": \"mode.replicas\""));
  EXPECT_THAT(json, HasSubstr("\"new\": \"4\""));
}

}  // namespace
}  // namespace swarmop::reconciler
