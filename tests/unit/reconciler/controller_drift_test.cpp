#include <gtest/gtest.h>

#include "swarmop/reconciler/controller/drift.h"
#include "swarmop/reconciler/core/labels.h"

namespace swarmop::reconciler {
namespace {

engine::Service Actual(const std::string& name, const std::string& hash) {
  engine::Service service;
  service.spec.name = name;
  service.spec.labels[labels::kSpecHash] = hash;
  return service;
}

Operation Update(const std::string& name, const std::string& hash, std::vector<FieldChange> changes) {
  Operation op;
  op.op = OpKind::kUpdate;
  op.object = ObjectKind::kService;
  op.name = name;
  op.service.labels[labels::kSpecHash] = hash;
  op.changes = std::move(changes);
  return op;
}

TEST(Drift, AnUpdateUnderAnUnchangedSpecHashIsAManualChangeReverted) {
  ActualState actual;
  actual.services = {Actual("api-douala", "h1")};
  Plan plan;
  plan.operations = {Update("api-douala", "h1", {{"mode.replicas", "5", "2"}, {"env.DEBUG", "1", ""}})};
  auto drift = FindDriftCorrections(plan, actual);
  ASSERT_EQ(drift.size(), 1u);
  EXPECT_EQ(drift[0].Describe(),
            "reverted manual change on service api-douala: replicas 5 -> 2, env.DEBUG 1 -> (none)");
}

TEST(Drift, AnUpdateBecauseTheSpecChangedIsNoDrift) {
  ActualState actual;
  actual.services = {Actual("api-douala", "h1")};
  Plan plan;
  plan.operations = {Update("api-douala", "h2", {{"mode.replicas", "2", "3"}})};
  EXPECT_TRUE(FindDriftCorrections(plan, actual).empty());
}

TEST(Drift, CreatesAndRemovesAreNoDrift) {
  ActualState actual;
  Plan plan;
  Operation create = Update("api-douala", "h1", {});
  create.op = OpKind::kCreate;
  plan.operations = {create};
  EXPECT_TRUE(FindDriftCorrections(plan, actual).empty());
}

}  // namespace
}  // namespace swarmop::reconciler
