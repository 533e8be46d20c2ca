// Diff: what counts as a change, and what must never flap.
#include "swarmop/reconciler/core/diff.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "estate_fixtures.h"
#include "swarmop/reconciler/core/labels.h"

namespace swarmop::reconciler {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using namespace swarmop::reconciler::testing;

engine::ServiceSpec Rendered(const std::string& name = "api-douala") {
  auto out = Render(TwoSiteEstate());
  return out->FindService(name)->spec;
}

TEST(DiffServices, IdenticalSpecsDiffEmpty) { EXPECT_THAT(DiffServices(Rendered(), Rendered()), IsEmpty()); }

TEST(DiffServices, DigestPinnedImageDoesNotFlap) {
  engine::ServiceSpec actual = Rendered();
  actual.task_template.container_spec.image += "@sha256:" + std::string(64, 'a');
  EXPECT_THAT(DiffServices(Rendered(), actual), IsEmpty());
}

TEST(DiffServices, ADigestTheSpecAsksForIsCompared) {
  engine::ServiceSpec desired = Rendered();
  desired.task_template.container_spec.image += "@sha256:" + std::string(64, 'b');
  engine::ServiceSpec actual = Rendered();
  actual.task_template.container_spec.image += "@sha256:" + std::string(64, 'a');
  EXPECT_EQ(DiffServices(desired, actual).size(), 1u);
}

TEST(DiffServices, DefaultsTheEngineFillsInDoNotFlap) {
  engine::ServiceSpec desired = Rendered();
  desired.update_config.reset();
  desired.rollback_config.reset();
  desired.task_template.restart_policy.reset();
  desired.endpoint_spec.reset();
  engine::ServiceSpec actual = Rendered();
  actual.update_config = engine::UpdatePolicy{1, 0, "pause", 5'000'000'000, 0, "stop-first"};
  actual.rollback_config = actual.update_config;
  actual.task_template.restart_policy = engine::RestartPolicy{"any", 5'000'000'000, 0, 0};
  actual.endpoint_spec = engine::EndpointSpec{"vip", {}};
  EXPECT_THAT(DiffServices(desired, actual), IsEmpty());
}

TEST(DiffServices, NetworksReportedByIdCompareWithRenderedNames) {
  engine::ServiceSpec actual = Rendered();
  for (auto& n : actual.task_template.networks) n.target = "id-of-" + n.target;
  DiffContext context{
      {{"id-of-swarmop-douala", "swarmop-douala"}, {"id-of-swarmop-estate", "swarmop-estate"}}};
  EXPECT_THAT(DiffServices(Rendered(), actual, context), IsEmpty());
  EXPECT_FALSE(DiffServices(Rendered(), actual).empty());  // without the mapping they differ
}

TEST(DiffServices, ConfigReferencesCompareByNameNotId) {
  engine::ServiceSpec desired = Rendered();
  desired.task_template.container_spec.configs = {{"", "api-conf-0123456789ab", {"/etc/app.conf"}}};
  engine::ServiceSpec actual = desired;
  actual.task_template.container_spec.configs[0].config_id = "x1y2z3";
  EXPECT_THAT(DiffServices(desired, actual), IsEmpty());
}

TEST(DiffServices, SpecHashLabelAloneIsNotAChange) {
  engine::ServiceSpec actual = Rendered();
  actual.labels[labels::kSpecHash] = "an-older-hash";
  EXPECT_THAT(DiffServices(Rendered(), actual), IsEmpty());
}

TEST(DiffServices, ChangedReplicasIsOneFieldWithOldAndNew) {
  engine::ServiceSpec desired = Rendered();
  desired.mode.replicas = 3;
  EXPECT_THAT(DiffServices(desired, Rendered()), ElementsAre(FieldChange{"mode.replicas", "2", "3"}));
}

TEST(DiffServices, EnvOrderDoesNotMatterButARemovedVariableDoes) {
  engine::ServiceSpec actual = Rendered();
  std::reverse(actual.task_template.container_spec.env.begin(),
               actual.task_template.container_spec.env.end());
  EXPECT_THAT(DiffServices(Rendered(), actual), IsEmpty());
  actual.task_template.container_spec.env.push_back("DEBUG=1");
  EXPECT_THAT(DiffServices(Rendered(), actual), ElementsAre(FieldChange{"env.DEBUG", "1", ""}));
}

TEST(DiffServices, ConstraintOrderDoesNotMatter) {
  engine::ServiceSpec desired = Rendered();
  desired.task_template.placement.constraints = {"a==1", "b==2"};
  engine::ServiceSpec actual = desired;
  actual.task_template.placement.constraints = {"b==2", "a==1"};
  EXPECT_THAT(DiffServices(desired, actual), IsEmpty());
}

TEST(DiffServices, ModeKindChangeOrRenameNeedsReplace) {
  engine::ServiceSpec actual = Rendered();
  EXPECT_FALSE(NeedsReplace(Rendered(), actual));
  actual.mode.kind = engine::ServiceMode::Kind::kGlobal;
  EXPECT_TRUE(NeedsReplace(Rendered(), actual));
}

TEST(ImageWithoutDigest, StripsOnlyTheDigest) {
  EXPECT_EQ(ImageWithoutDigest("nginx:1.25@sha256:abc"), "nginx:1.25");
  EXPECT_EQ(ImageWithoutDigest("registry:5000/nginx:1.25"), "registry:5000/nginx:1.25");
}

}  // namespace
}  // namespace swarmop::reconciler
