// The reference manifests (manifests/reference), loaded through crds with their real defaults, rendered,
// applied to the fake swarm: the second plan is empty and the second apply writes nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "estate_fixtures.h"
#include "swarmop/crds/load.h"
#include "swarmop/engine/counting_engine.h"

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
  ops.name = "swarmop-ops";  // the prometheus Service joins it; manifests/swarmop-stack.yaml creates it
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

}  // namespace
}  // namespace swarmop::reconciler
