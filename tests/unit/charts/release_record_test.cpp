// Release records (release.h) on a fake engine: one config per release holding the newest revision, its
// status label updated in place, other releases and other configs left alone.
#include <gtest/gtest.h>

#include "spec_store_fake_configs.h"
#include "swarmop/charts/release.h"

namespace swarmop::charts {
namespace {

using reconciler::testing::FakeConfigs;

ReleaseRecord Record(const std::string& release, int revision) {
  ReleaseRecord record;
  record.release = release;
  record.chart = "pair";
  record.version = "1.0.0";
  record.app_version = "1";
  record.revision = revision;
  record.status = "deployed";
  record.values_json = R"({"web":{"replicas":2}})";
  record.specs = {"Service/" + release + "-web"};
  return record;
}

TEST(ReleaseRecords, AnUpgradeKeepsOnlyTheNewestRevisionOfThatRelease) {
  FakeConfigs engine;
  ASSERT_TRUE(WriteRelease(engine, Record("a", 1)).ok());
  ASSERT_TRUE(WriteRelease(engine, Record("b", 1)).ok());
  ASSERT_TRUE(WriteRelease(engine, Record("a", 2)).ok());
  EXPECT_EQ(engine.ByName("swarmop-release-a-v1"), nullptr);
  ASSERT_NE(engine.ByName("swarmop-release-a-v2"), nullptr);
  ASSERT_NE(engine.ByName("swarmop-release-b-v1"), nullptr);

  auto releases = ListReleases(engine);
  ASSERT_TRUE(releases.ok());
  ASSERT_EQ(releases->size(), 2u);
  const ReleaseRecord& a = (*releases)[0];
  EXPECT_EQ(a.release, "a");
  EXPECT_EQ(a.revision, 2);
  EXPECT_EQ(a.chart, "pair");
  EXPECT_EQ(a.status, "deployed");
  EXPECT_EQ(a.values_json, R"({"web":{"replicas":2}})");
  EXPECT_EQ(a.specs, std::vector<std::string>{"Service/a-web"});
}

TEST(ReleaseRecords, ARecordIsNotManagedSoTheConvergeNeverPrunesIt) {
  FakeConfigs engine;
  ASSERT_TRUE(WriteRelease(engine, Record("a", 1)).ok());
  const engine::Config* config = engine.ByName("swarmop-release-a-v1");
  ASSERT_NE(config, nullptr);
  EXPECT_EQ(config->spec.labels.count("io.swarmop.managed-by"), 0u);
  EXPECT_EQ(config->spec.labels.at("io.swarmop.role"), "release");
}

TEST(ReleaseRecords, StatusIsUpdatedInPlaceAndRemovalTouchesOnlyThatRelease) {
  FakeConfigs engine;
  engine.AddConfig("unrelated", "data", {{"io.swarmop.release", "a"}});  // not a record: no role label
  ASSERT_TRUE(WriteRelease(engine, Record("a", 1)).ok());
  ASSERT_TRUE(WriteRelease(engine, Record("b", 1)).ok());
  ASSERT_TRUE(SetReleaseStatus(engine, "a", "failed").ok());
  auto a = FindRelease(engine, "a");
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(a->has_value());
  EXPECT_EQ((*a)->status, "failed");

  ASSERT_TRUE(RemoveRelease(engine, "a").ok());
  auto gone = FindRelease(engine, "a");
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(gone->has_value());
  EXPECT_NE(engine.ByName("swarmop-release-b-v1"), nullptr);
  EXPECT_NE(engine.ByName("unrelated"), nullptr);
  EXPECT_EQ(SetReleaseStatus(engine, "a", "failed").code(), Code::kNotFound);
}

}  // namespace
}  // namespace swarmop::charts
