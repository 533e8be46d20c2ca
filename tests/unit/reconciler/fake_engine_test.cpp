// The fake's own semantics, so tests built on it mean something.
#include "fake_engine.h"

#include <gtest/gtest.h>

namespace swarmop::testing {
namespace {

engine::ServiceSpec Spec(const std::string& name) {
  engine::ServiceSpec spec;
  spec.name = name;
  spec.task_template.container_spec.image = "busybox";
  return spec;
}

TEST(FakeEngine, UpdateWithAStaleVersionIsOutOfSequence) {
  FakeEngine fake;
  std::string id = fake.AddService(Spec("web"));
  auto read = *fake.InspectService(id);
  ASSERT_TRUE(fake.UpdateService(id, read.version, read.spec).ok());
  EXPECT_EQ(fake.UpdateService(id, read.version, read.spec).code(), Code::kAborted);
}

TEST(FakeEngine, CreateWithATakenNameConflicts) {
  FakeEngine fake;
  fake.AddService(Spec("web"));
  EXPECT_EQ(fake.CreateService(Spec("web")).status().code(), Code::kConflict);
}

TEST(FakeEngine, ConfigInUseCannotBeRemoved) {
  FakeEngine fake;
  std::string config = fake.AddConfig(engine::ConfigSpec{"c", {}, "data", ""});
  engine::ServiceSpec spec = Spec("web");
  spec.task_template.container_spec.configs = {{config, "c", {"/c"}}};
  fake.AddService(spec);
  EXPECT_EQ(fake.RemoveConfig(config).code(), Code::kFailedPrecondition);
}

TEST(FakeEngine, ReadsFillTheEngineDefaults) {
  FakeEngine fake;
  fake.AddService(Spec("web"));
  auto read = *fake.FindService("web");
  ASSERT_TRUE(read.spec.update_config.has_value());
  EXPECT_EQ(read.spec.update_config->failure_action, "pause");
  EXPECT_EQ(read.spec.task_template.restart_policy->condition, "any");
}

TEST(FakeEngine, InjectedFaultsHitTheNextCallsOnly) {
  FakeEngine fake;
  fake.FailNext("list services", 1, InternalError("500"));
  EXPECT_EQ(fake.ListServices({}).status().code(), Code::kInternal);
  EXPECT_TRUE(fake.ListServices({}).ok());
}

}  // namespace
}  // namespace swarmop::testing
