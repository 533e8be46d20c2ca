// The reference manifests (manifests/reference), loaded through crds with their real defaults, rendered,
// applied to the fake swarm: the second plan is empty and the second apply writes nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "estate_fixtures.h"
#include "swarmop/crds/load.h"
#include "swarmop/engine/counting_engine.h"
#include "swarmop/reconciler/profiles/profiles.h"
#include "swarmop/reconciler/replication/plan_estate.h"
#include "swarmop/reconciler/replication/replication.h"

namespace swarmop::reconciler {
namespace {

using namespace swarmop::reconciler::testing;
using swarmop::testing::FakeEngine;

crds::DesiredState ReferenceEstate() {
  auto files = crds::ReadSources({std::string(SWARMOP_SOURCE_DIR) + "/manifests/reference"});
  EXPECT_TRUE(files.ok()) << files.status().ToString();
  crds::LoadResult loaded = crds::LoadSpecs(files.ok() ? *files : std::vector<crds::SourceFile>{});
  EXPECT_TRUE(loaded.ok()) << (loaded.errors.empty() ? "" : loaded.errors[0].ToString());
  return loaded.state;
}

TEST(ReferenceEstate, RendersOneServicePerServiceAndSite) {
  crds::DesiredState desired = ReferenceEstate();
  auto rendered = Render(desired);
  ASSERT_TRUE(rendered.ok()) << rendered.status().ToString();
  size_t expected = 0;
  for (const auto& service : desired.services) expected += service.spec.sites.size();
  EXPECT_EQ(rendered->services.size(), expected);
  EXPECT_GT(expected, 0u);
}

TEST(ReferenceEstate, ConvergesOnTheFakeAndTheSecondApplyWritesNothing) {
  crds::DesiredState desired = ReferenceEstate();
  FakeEngine fake;
  auto rendered = Render(desired);
  ASSERT_TRUE(rendered.ok());
  std::set<std::string> secrets;
  for (const auto& s : rendered->services) {
    for (const auto& ref : s.spec.task_template.container_spec.secrets) secrets.insert(ref.secret_name);
  }
  for (const auto& name : secrets) fake.AddSecret(name);
  engine::NetworkSpec ops;
  ops.name = "swarmop-ops";  // the prometheus Service joins it; made before the stack (swarmop-stack.yaml)
  fake.AddNetwork(ops);
  Plan plan = PlanOf(fake, desired);
  EXPECT_GT(plan.operations.size(), 5u) << ToString(plan);
  ApplyReport first = ApplyPlan(fake, plan);
  ASSERT_TRUE(first.ok()) << first.ToString();
  EXPECT_EQ(ToString(PlanOf(fake, desired)), "");
  engine::CountingEngine counting(&fake);
  EXPECT_EQ(Converge(counting, desired).writes, 0);
  EXPECT_EQ(counting.Writes(), 0u) << ::testing::PrintToString(counting.WriteLog());
}

// As the commands render it (cli/render_options.h): Replications, django-api and the workload profiles. The
// gateway comes out complete (DB-less Kong with its kong.yml mounted), and the estate still converges with
// zero writes the second time.
TEST(ReferenceEstate, WithTheProfilesTheGatewayIsCompleteAndTheSecondApplyWritesNothing) {
  crds::DesiredState desired = ReferenceEstate();
  PlanEstateOptions options;
  UseReplicationRendering(options.render);
  UseProfileRendering(options.render);
  auto rendered = Render(desired, options.render);
  ASSERT_TRUE(rendered.ok()) << rendered.status().ToString();
  const DesiredService* gateway = rendered->FindService("gateway-cloud");
  ASSERT_NE(gateway, nullptr);
  const auto& container = gateway->spec.task_template.container_spec;
  EXPECT_THAT(container.env,
              ::testing::IsSupersetOf({"KONG_DATABASE=off", "KONG_DECLARATIVE_CONFIG=/kong/kong.yml"}));
  ASSERT_EQ(container.configs.size(), 1u);
  EXPECT_EQ(container.configs[0].file.name, "/kong/kong.yml");
  EXPECT_EQ(gateway->spec.update_config->order, "start-first");

  FakeEngine fake;
  for (const auto& s : rendered->services) {
    for (const auto& ref : s.spec.task_template.container_spec.secrets) fake.AddSecret(ref.secret_name);
  }
  engine::NetworkSpec ops;
  ops.name = "swarmop-ops";  // the prometheus Service joins it
  fake.AddNetwork(ops);
  auto first = PlanEstate(fake, desired, options);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_THAT(ToString(first->plan), ::testing::HasSubstr("create config gateway-kong.yml-"));
  ApplyOptions apply;
  apply.retry_backoff = std::chrono::milliseconds(1);
  ASSERT_TRUE(ApplyPlan(fake, first->plan, apply).ok());
  engine::CountingEngine counting(&fake);
  auto second = PlanEstate(counting, desired, options);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(ToString(second->plan), "");
  EXPECT_TRUE(ApplyPlan(counting, second->plan, apply).ok());
  EXPECT_EQ(counting.Writes(), 0u) << ::testing::PrintToString(counting.WriteLog());
}

}  // namespace
}  // namespace swarmop::reconciler
