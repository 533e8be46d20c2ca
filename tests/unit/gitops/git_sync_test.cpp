// GitSync against an in-memory config store and a fake fetcher: what a revision stores, labels, prunes,
// refuses, and what a failed fetch leaves alone.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../reconciler/spec_store_fake_configs.h"
#include "fake_git_fetcher.h"
#include "swarmop/reconciler/core/labels.h"
#include "swarmop/reconciler/gitops/git_source.h"

namespace swarmop::reconciler {
namespace {

using testing::FakeConfigs;
using testing::FakeGitFetcher;
using ::testing::HasSubstr;

const std::string kCommitA(40, 'a');
const std::string kCommitB(40, 'b');
const std::string kCommitC(40, 'c');

const char* kSite = R"(apiVersion: swarmop.io/v1alpha1
kind: Site
metadata: {name: douala}
spec: {role: edge, nodeSelector: {site: douala}}
)";

std::string Service(const std::string& name, int replicas) {
  return "apiVersion: swarmop.io/v1alpha1\nkind: Service\nmetadata: {name: " + name +
         "}\nspec:\n  image: local/busybox:1\n  sites:\n    douala: {replicas: " + std::to_string(replicas) +
         "}\n";
}

GitSourceOptions Options(const std::string& url, const std::string& path) {
  GitSourceOptions options;
  options.url = url;
  options.path = path;
  return options;
}

struct Bed {
  FakeConfigs engine;
  SpecStore store{engine};
  FakeGitFetcher fetcher;
  GitSourceOptions options = Options("git://repo", "manifests");
  GitSync sync{store, fetcher, options, SystemClock()};

  const StoredSpec* Find(crds::Kind kind, const std::string& name) {
    auto contents = store.Load();
    EXPECT_TRUE(contents.ok());
    static StoreContents kept;
    kept = std::move(contents).value();
    return kept.Find(kind, name);
  }
  std::string Revision(crds::Kind kind, const std::string& name) {
    const StoredSpec* spec = Find(kind, name);
    if (spec == nullptr) return "(absent)";
    auto it = spec->labels.find(labels::kGitRevision);
    return it == spec->labels.end() ? "" : it->second;
  }
};

TEST(GitSync, ARevisionIsStoredWithTheSourceAndRevisionLabels) {
  Bed bed;
  bed.fetcher.Set(kCommitA, {{"manifests/sites.yaml", kSite}, {"manifests/web.yaml", Service("web", 1)}});
  ASSERT_TRUE(bed.sync.SyncOnce().ok());
  const StoredSpec* web = bed.Find(crds::Kind::kService, "web");
  ASSERT_NE(web, nullptr);
  EXPECT_EQ(web->labels.at(labels::kSource), "git");
  EXPECT_EQ(web->labels.at(labels::kGitRevision), kCommitA);
  EXPECT_EQ(bed.sync.State().applied_revision, kCommitA);
}

TEST(GitSync, ANewRevisionRelabelsUnchangedSpecsWithoutNewConfigs) {
  Bed bed;
  bed.fetcher.Set(kCommitA, {{"manifests/sites.yaml", kSite}, {"manifests/web.yaml", Service("web", 1)}});
  ASSERT_TRUE(bed.sync.SyncOnce().ok());
  bed.engine.writes.clear();
  bed.fetcher.Set(kCommitB, {{"manifests/sites.yaml", kSite}, {"manifests/web.yaml", Service("web", 2)}});
  ASSERT_TRUE(bed.sync.SyncOnce().ok());
  EXPECT_EQ(bed.Revision(crds::Kind::kService, "web"), kCommitB);
  EXPECT_EQ(bed.Revision(crds::Kind::kSite, "douala"), kCommitB);
  int creates = 0;
  for (const std::string& w : bed.engine.writes) creates += w.rfind("create ", 0) == 0;
  EXPECT_EQ(creates, 1) << "only web changed";
}

TEST(GitSync, TheSameRevisionTwiceWritesNothing) {
  Bed bed;
  bed.fetcher.Set(kCommitA, {{"manifests/sites.yaml", kSite}, {"manifests/web.yaml", Service("web", 1)}});
  ASSERT_TRUE(bed.sync.SyncOnce().ok());
  bed.engine.writes.clear();
  ASSERT_TRUE(bed.sync.SyncOnce().ok());
  EXPECT_TRUE(bed.engine.writes.empty()) << bed.engine.writes.front();
}

TEST(GitSync, ABrokenRevisionIsRefusedNamingItsCommitAndFileLineColumn) {
  Bed bed;
  bed.fetcher.Set(kCommitA, {{"manifests/sites.yaml", kSite}, {"manifests/web.yaml", Service("web", 1)}});
  ASSERT_TRUE(bed.sync.SyncOnce().ok());
  bed.engine.writes.clear();
  bed.fetcher.Set(kCommitB, {{"manifests/sites.yaml", kSite},
                             {"manifests/web.yaml", Service("web", 1) + "  replica: 3\n"}});
  ASSERT_TRUE(bed.sync.SyncOnce().ok());
  EXPECT_TRUE(bed.engine.writes.empty());
  const GitSourceState state = bed.sync.State();
  EXPECT_EQ(state.applied_revision, kCommitA);
  EXPECT_EQ(state.failed_revision, kCommitB);
  EXPECT_THAT(state.failed_errors, HasSubstr("manifests/web.yaml:"));
  EXPECT_EQ(bed.Revision(crds::Kind::kService, "web"), kCommitA);
}

TEST(GitSync, AGoodRevisionAfterABrokenOneClearsTheRefusal) {
  Bed bed;
  bed.fetcher.Set(kCommitA, {{"manifests/web.yaml", "kind: [\n"}});
  ASSERT_TRUE(bed.sync.SyncOnce().ok());
  EXPECT_EQ(bed.sync.State().failed_revision, kCommitA);
  bed.fetcher.Set(kCommitB, {{"manifests/sites.yaml", kSite}});
  ASSERT_TRUE(bed.sync.SyncOnce().ok());
  EXPECT_EQ(bed.sync.State().failed_revision, "");
  EXPECT_EQ(bed.sync.State().applied_revision, kCommitB);
}

TEST(GitSync, ASpecGoneFromGitIsRemovedAndAHandMadeSpecIsLeftAlone) {
  Bed bed;
  bed.engine.AddConfig("my-hand-made", Service("hand", 1));
  bed.fetcher.Set(kCommitA, {{"manifests/sites.yaml", kSite},
                             {"manifests/web.yaml", Service("web", 1)},
                             {"manifests/old.yaml", Service("old", 1)}});
  ASSERT_TRUE(bed.sync.SyncOnce().ok());
  ASSERT_NE(bed.Find(crds::Kind::kService, "old"), nullptr);
  bed.fetcher.Set(kCommitB, {{"manifests/sites.yaml", kSite}, {"manifests/web.yaml", Service("web", 1)}});
  ASSERT_TRUE(bed.sync.SyncOnce().ok());
  EXPECT_EQ(bed.Find(crds::Kind::kService, "old"), nullptr);
  EXPECT_NE(bed.Find(crds::Kind::kService, "hand"), nullptr);
  EXPECT_NE(bed.engine.ByName("my-hand-made"), nullptr);
  EXPECT_EQ(bed.sync.State().pruned, 1);
}

TEST(GitSync, ASpecStoredByApplyIsNeverPruned) {
  Bed bed;
  auto applied = bed.store.Apply({{"sites.yaml", kSite}, {"cli.yaml", Service("cli", 1)}});
  ASSERT_TRUE(applied.ok() && applied->plan.ok());
  bed.fetcher.Set(kCommitA, {{"manifests/sites.yaml", kSite}});
  ASSERT_TRUE(bed.sync.SyncOnce().ok());
  EXPECT_NE(bed.Find(crds::Kind::kService, "cli"), nullptr);
}

TEST(GitSync, GitWinsANameCollisionWithAHandMadeConfigAndLeavesItInPlace) {
  Bed bed;
  bed.fetcher.Set(kCommitA, {{"manifests/sites.yaml", kSite}, {"manifests/web.yaml", Service("web", 1)}});
  ASSERT_TRUE(bed.sync.SyncOnce().ok());
  bed.engine.AddConfig("web-by-hand", Service("web", 5));  // newer: wins until the next sync
  ASSERT_TRUE(bed.sync.SyncOnce().ok());
  const StoredSpec* web = bed.Find(crds::Kind::kService, "web");
  ASSERT_NE(web, nullptr);
  EXPECT_TRUE(web->owned);
  EXPECT_EQ(web->labels.at(labels::kGitRevision), kCommitA);
  EXPECT_NE(bed.engine.ByName("web-by-hand"), nullptr);
}

TEST(GitSync, AFailedFetchRemovesNothingAndIsReported) {
  Bed bed;
  bed.fetcher.Set(kCommitA, {{"manifests/sites.yaml", kSite}, {"manifests/web.yaml", Service("web", 1)}});
  ASSERT_TRUE(bed.sync.SyncOnce().ok());
  bed.engine.writes.clear();
  bed.fetcher.error = UnavailableError("fetching refs/heads/main from git://repo: connection refused");
  EXPECT_FALSE(bed.sync.SyncOnce().ok());
  EXPECT_FALSE(bed.sync.SyncOnce().ok());
  EXPECT_TRUE(bed.engine.writes.empty());
  const GitSourceState state = bed.sync.State();
  EXPECT_EQ(state.consecutive_fetch_failures, 2);
  EXPECT_THAT(state.fetch_error, HasSubstr("connection refused"));
  EXPECT_EQ(state.applied_revision, kCommitA);
  EXPECT_THAT(ToJson(state), HasSubstr("\"fetchError\""));
}

}  // namespace
}  // namespace swarmop::reconciler
