// SpecStore against an in-memory config store: what is written, what is read, what is never touched.
#include "swarmop/reconciler/store/spec_store.h"

#include <gtest/gtest.h>

#include "spec_store_fake_configs.h"
#include "swarmop/reconciler/core/labels.h"

namespace swarmop::reconciler {
namespace {

using ::testing::ElementsAre;
using testing::FakeConfigs;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

const char* kSites = R"(apiVersion: swarmop.io/v1alpha1
kind: Site
metadata: {name: douala}
spec: {role: edge, nodeSelector: {site: douala}}
---
apiVersion: swarmop.io/v1alpha1
kind: Site
metadata: {name: cloud}
spec: {role: cloud, nodeSelector: {site: cloud}}
)";

std::string WebService(int replicas, const std::string& name = "web") {
  return "apiVersion: swarmop.io/v1alpha1\nkind: Service\nmetadata: {name: " + name +
         "}\nspec:\n  image: local/busybox:1\n  sites:\n    douala: {replicas: " + std::to_string(replicas) +
         "}\n";
}

std::vector<crds::SourceFile> Files(const std::string& sites, const std::string& service) {
  std::vector<crds::SourceFile> files;
  if (!sites.empty()) files.push_back({"sites.yaml", sites});
  if (!service.empty()) files.push_back({"web.yaml", service});
  return files;
}

ApplySpecsResult ApplyOk(SpecStore& store, const std::vector<crds::SourceFile>& files) {
  auto result = store.Apply(files);
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_TRUE(result->plan.ok()) << crds::FormatDiagnostics(result->plan.errors);
  return std::move(result).value();
}

TEST(SpecStore, ApplyStoresEachSpecAsALabelledContentAddressedConfig) {
  FakeConfigs engine;
  SpecStore store(engine);
  ApplySpecsResult result = ApplyOk(store, Files(kSites, WebService(2)));

  EXPECT_EQ(result.writes, 3);
  ASSERT_THAT(engine.All(), SizeIs(3));
  const SpecWrite& web = result.plan.writes.back();
  EXPECT_EQ(web.Key(), "Service/web");
  EXPECT_EQ(web.action, SpecWrite::Action::kCreate);
  const engine::Config* config = engine.ByName(web.config_name);
  ASSERT_NE(config, nullptr);
  EXPECT_THAT(web.config_name, ::testing::MatchesRegex("swarmop-service-web-[0-9a-f]{10}"));
  EXPECT_EQ(config->spec.labels.at(labels::kManagedBy), "swarmop");
  EXPECT_EQ(config->spec.labels.at(labels::kRole), "spec");
  EXPECT_EQ(config->spec.labels.at(labels::kKind), "Service");
  EXPECT_EQ(config->spec.labels.at(labels::kName), "web");
  EXPECT_EQ(config->spec.labels.at(labels::kHash), web.spec_hash);
  EXPECT_THAT(config->spec.data, HasSubstr("kind: Service"));
  EXPECT_THAT(web.Summary(), HasSubstr("Service/web stored (config swarmop-service-web-"));
}

TEST(SpecStore, AChartsReleaseLabelIsCopiedOntoTheConfigAndNoOtherMetadataLabelIs) {
  FakeConfigs engine;
  SpecStore store(engine);
  const std::string released =
      "apiVersion: swarmop.io/v1alpha1\nkind: Service\nmetadata: {name: web, labels: {io.swarmop.release: "
      "r1, "
      "tier: api}}\nspec: {image: local/busybox:1, sites: {douala: {replicas: 1}}}\n";
  ApplySpecsResult result = ApplyOk(store, Files(kSites, released));
  const engine::Config* web = engine.ByName(result.plan.writes.back().config_name);
  ASSERT_NE(web, nullptr);
  EXPECT_EQ(web->spec.labels.at(labels::kRelease), "r1");
  EXPECT_EQ(web->spec.labels.count("tier"), 0u);
  const engine::Config* site = engine.ByName(result.plan.writes.front().config_name);
  ASSERT_NE(site, nullptr);
  EXPECT_EQ(site->spec.labels.count(labels::kRelease), 0u);
}

TEST(SpecStore, ReapplyingTheSameFilesWritesNothing) {
  FakeConfigs engine;
  SpecStore store(engine);
  ApplyOk(store, Files(kSites, WebService(2)));
  engine.writes.clear();

  ApplySpecsResult again = ApplyOk(store, Files(kSites, WebService(2)));
  EXPECT_EQ(again.writes, 0);
  EXPECT_THAT(engine.writes, IsEmpty());
  EXPECT_FALSE(again.plan.changes_anything());
  EXPECT_THAT(again.plan.writes.back().Summary(), HasSubstr("Service/web unchanged"));
}

TEST(SpecStore, ReorderedKeysAndCommentsAreTheSameSpec) {
  FakeConfigs engine;
  SpecStore store(engine);
  ApplyOk(store, Files(kSites, WebService(2)));
  engine.writes.clear();
  const std::string reordered =
      "# the web front\nkind: Service\napiVersion: swarmop.io/v1alpha1\nspec:\n  sites:\n    douala: "
      "{replicas: 2}\n"
      "  image: local/busybox:1\nmetadata: {name: web}\n";
  EXPECT_EQ(ApplyOk(store, Files(kSites, reordered)).writes, 0);
}

TEST(SpecStore, ChangedSpecGetsANewConfigAndTheOldOneIsRemoved) {
  FakeConfigs engine;
  SpecStore store(engine);
  const std::string old_name = ApplyOk(store, Files(kSites, WebService(2))).plan.writes.back().config_name;
  engine.writes.clear();

  ApplySpecsResult changed = ApplyOk(store, Files(kSites, WebService(3)));
  const SpecWrite& web = changed.plan.writes.back();
  EXPECT_EQ(web.action, SpecWrite::Action::kUpdate);
  EXPECT_NE(web.config_name, old_name);
  EXPECT_THAT(engine.writes, ElementsAre("create " + web.config_name, "remove " + old_name));
  EXPECT_EQ(engine.ByName(old_name), nullptr);

  auto contents = store.Load();
  ASSERT_TRUE(contents.ok());
  EXPECT_EQ(contents->state.FindService("web")->spec.sites.at("douala").replicas, 3);
}

TEST(SpecStore, GoingBackToAnEarlierVersionWhoseConfigLingersMakesItTheNewestAgain) {
  FakeConfigs engine;
  SpecStore store(engine);
  const std::string v2 = ApplyOk(store, Files(kSites, WebService(2))).plan.writes.back().config_name;
  const engine::ConfigSpec v2_spec = engine.ByName(v2)->spec;
  ApplyOk(store, Files(kSites, WebService(3)));
  // v2's config is back (say an older swarmop stored it again), older than v3's: v3 wins for now.
  engine.AddConfig(v2, v2_spec.data, v2_spec.labels);
  engine.AddConfig("swarmop-service-web-later", WebService(3), v2_spec.labels);  // keeps v3 the newest
  engine.writes.clear();

  ApplySpecsResult back = ApplyOk(store, Files(kSites, WebService(2)));
  EXPECT_EQ(back.plan.writes.back().config_name, v2);
  auto contents = store.Load();
  ASSERT_TRUE(contents.ok());
  EXPECT_EQ(contents->Find(crds::Kind::kService, "web")->config_name, v2);
  EXPECT_THAT(contents->superseded, IsEmpty());
}

TEST(SpecStore, AValidationErrorWritesNothingAtAll) {
  FakeConfigs engine;
  SpecStore store(engine);
  const std::string broken =
      "apiVersion: swarmop.io/v1alpha1\nkind: Service\nmetadata: {name: api}\n"
      "spec: {image: x, sites: {douala: {replicas: two}}}\n";
  auto result = store.Apply({{"sites.yaml", kSites}, {"web.yaml", WebService(2)}, {"api.yaml", broken}});
  ASSERT_TRUE(result.ok());
  EXPECT_FALSE(result->plan.ok());
  EXPECT_EQ(result->writes, 0);
  EXPECT_THAT(engine.writes, IsEmpty());
  EXPECT_EQ(result->plan.errors.front().file, "api.yaml");
}

TEST(SpecStore, AServiceValidatesAgainstTheSitesAlreadyStored) {
  FakeConfigs engine;
  SpecStore store(engine);
  ApplyOk(store, Files(kSites, ""));
  EXPECT_EQ(ApplyOk(store, Files("", WebService(1))).writes, 1);

  auto unknown_site =
      store.Apply(Files("",
                        "apiVersion: swarmop.io/v1alpha1\nkind: Service\nmetadata: {name: x}\n"
                        "spec: {image: y, sites: {paris: {replicas: 1}}}\n"));
  ASSERT_TRUE(unknown_site.ok());
  ASSERT_FALSE(unknown_site->plan.ok());
  EXPECT_THAT(unknown_site->plan.errors.front().message, HasSubstr("paris"));
}

TEST(SpecStore, AHandMadeUnlabelledSpecIsLoadedLikeAnyOther) {
  FakeConfigs engine;
  engine.AddConfig("my-sites",
                   "apiVersion: swarmop.io/v1alpha1\nkind: Site\nmetadata: {name: douala}\n"
                   "spec: {role: edge, nodeSelector: {site: douala}}\n");
  engine.AddConfig("nginx-conf", "server { listen 80; }\n");  // not a spec: ignored
  SpecStore store(engine);
  auto contents = store.Load();
  ASSERT_TRUE(contents.ok());
  ASSERT_THAT(contents->specs, SizeIs(1));
  EXPECT_EQ(contents->specs[0].Key(), "Site/douala");
  EXPECT_EQ(contents->specs[0].config_name, "my-sites");
  EXPECT_FALSE(contents->specs[0].owned);
  EXPECT_THAT(contents->invalid, IsEmpty());
}

TEST(SpecStore, ABrokenConfigIsReportedByNameAndTheOthersStillLoad) {
  FakeConfigs engine;
  SpecStore store(engine);
  ApplyOk(store, Files(kSites, WebService(2)));
  engine.AddConfig("broken-by-hand",
                   "apiVersion: swarmop.io/v1alpha1\nkind: Service\nmetadata: {name: api}\n"
                   "spec: {image: x, sites: {douala: {replicas: -1}}, colour: blue}\n");
  auto contents = store.Load();
  ASSERT_TRUE(contents.ok());
  EXPECT_THAT(contents->specs, SizeIs(3));
  ASSERT_THAT(contents->invalid, SizeIs(1));
  EXPECT_EQ(contents->invalid[0].config_name, "broken-by-hand");
  EXPECT_FALSE(contents->invalid[0].owned);
  ASSERT_FALSE(contents->invalid[0].errors.empty());
  EXPECT_EQ(contents->invalid[0].errors[0].file, "config:broken-by-hand");
}

TEST(SpecStore, TheNewestConfigWinsAndTheOthersAreSuperseded) {
  FakeConfigs engine;
  engine.AddConfig("web-old", WebService(1));
  engine.AddConfig("web-new", WebService(4));
  engine.AddConfig("sites", std::string(kSites).substr(0, std::string(kSites).find("---")));
  SpecStore store(engine);
  auto contents = store.Load();
  ASSERT_TRUE(contents.ok());
  const StoredSpec* web = contents->Find(crds::Kind::kService, "web");
  ASSERT_NE(web, nullptr);
  EXPECT_EQ(web->config_name, "web-new");
  EXPECT_EQ(contents->state.FindService("web")->spec.sites.at("douala").replicas, 4);
  ASSERT_THAT(contents->superseded, SizeIs(1));
  EXPECT_EQ(contents->superseded[0].config_name, "web-old");
  EXPECT_EQ(contents->superseded[0].winner_config_name, "web-new");
}

TEST(SpecStore, ApplyNeverRemovesAHandMadeConfigItSupersedes) {
  FakeConfigs engine;
  engine.AddConfig("web-by-hand", WebService(1));
  SpecStore store(engine);
  ApplySpecsResult result = ApplyOk(store, Files(kSites, WebService(2)));
  const SpecWrite& web = result.plan.writes.back();
  EXPECT_EQ(web.action, SpecWrite::Action::kUpdate);
  EXPECT_THAT(web.unowned_leftover, ElementsAre("web-by-hand"));
  EXPECT_THAT(web.remove_configs, IsEmpty());
  EXPECT_NE(engine.ByName("web-by-hand"), nullptr);
  auto contents = store.Load();
  EXPECT_EQ(contents->Find(crds::Kind::kService, "web")->config_name, web.config_name);
  EXPECT_FALSE(contents->superseded.at(0).owned);
}

TEST(SpecStore, LoadInspectsOnlyWhenTheListLeavesDataOut) {
  FakeConfigs engine;
  SpecStore store(engine);
  ApplyOk(store, Files(kSites, WebService(2)));
  engine.inspects = 0;
  ASSERT_TRUE(store.Load().ok());
  EXPECT_EQ(engine.inspects, 0);
  engine.ListWithoutData();
  auto contents = store.Load();
  ASSERT_TRUE(contents.ok());
  EXPECT_EQ(engine.inspects, 3);
  EXPECT_THAT(contents->specs, SizeIs(3));
}

TEST(SpecStore, DeleteRemovesTheOwnedConfigsAndLeavesHandMadeOnes) {
  FakeConfigs engine;
  SpecStore store(engine);
  engine.AddConfig("web-by-hand", WebService(1));
  const std::string ours = ApplyOk(store, Files(kSites, WebService(2))).plan.writes.back().config_name;
  engine.writes.clear();

  auto deleted = store.Delete(crds::Kind::kService, "web");
  ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
  EXPECT_THAT(deleted->removed, ElementsAre(ours));
  EXPECT_THAT(deleted->unowned_leftover, ElementsAre("web-by-hand"));
  EXPECT_THAT(engine.writes, ElementsAre("remove " + ours));
  EXPECT_EQ(store.Delete(crds::Kind::kService, "nothing").status().code(), Code::kNotFound);
}

TEST(SpecStore, SetStatusLabelsKeepsOtherLabelsAndRetriesWhenOutOfSequence) {
  FakeConfigs engine;
  SpecStore store(engine);
  const std::string config = ApplyOk(store, Files(kSites, WebService(2))).plan.writes.back().config_name;
  engine.writes.clear();
  engine.FailUpdatesOutOfSequence(2);

  ASSERT_TRUE(store.SetStatusLabels(crds::Kind::kService, "web", {{"io.swarmop.status.ready", "True"}}).ok());
  EXPECT_THAT(engine.writes, ElementsAre("update " + config));
  EXPECT_EQ(engine.ByName(config)->spec.labels.at("io.swarmop.status.ready"), "True");
  EXPECT_EQ(engine.ByName(config)->spec.labels.at(labels::kManagedBy), "swarmop");

  engine.writes.clear();
  ASSERT_TRUE(store.SetStatusLabels(crds::Kind::kService, "web", {{"io.swarmop.status.ready", "True"}}).ok());
  EXPECT_THAT(engine.writes, IsEmpty()) << "same status: no write";

  ASSERT_TRUE(
      store.SetStatusLabels(crds::Kind::kService, "web", {{"io.swarmop.status.degraded", "True"}}).ok());
  EXPECT_EQ(engine.ByName(config)->spec.labels.count("io.swarmop.status.ready"), 0u) << "old status dropped";
  EXPECT_EQ(store.SetStatusLabels(crds::Kind::kService, "web", {{"owner", "me"}}).code(),
            Code::kInvalidArgument);
}

TEST(SpecConfigName, FitsSwarmsLimitForTheLongestNames) {
  const std::string hash(64, 'a');
  const std::string name = SpecConfigName(crds::Kind::kReplication, std::string(40, 'x'), hash);
  EXPECT_LE(name.size(), 64u);
  EXPECT_EQ(name.substr(0, 20), "swarmop-replication-");
  EXPECT_EQ(name.substr(name.size() - 11), "-aaaaaaaaaa");
  EXPECT_EQ(SpecConfigName(crds::Kind::kSite, "douala", hash), "swarmop-site-douala-aaaaaaaaaa");
}

TEST(ParseEngineTime, ComparesTimesNotStrings) {
  auto a = ParseEngineTime("2026-11-27T06:00:00.123456789Z");
  auto b = ParseEngineTime("2026-11-27T06:00:00.5Z");
  auto c = ParseEngineTime("2026-11-27T07:00:00.5+01:00");
  ASSERT_TRUE(a && b && c);
  EXPECT_LT(*a, *b);
  EXPECT_EQ(*b, *c);
  EXPECT_FALSE(ParseEngineTime("yesterday"));
}

TEST(ParseKindName, AcceptsSingularPluralAnyCase) {
  EXPECT_EQ(ParseKindName("Service"), crds::Kind::kService);
  EXPECT_EQ(ParseKindName("services"), crds::Kind::kService);
  EXPECT_EQ(ParseKindName("SITES"), crds::Kind::kSite);
  EXPECT_EQ(ParseKindName("replication"), crds::Kind::kReplication);
  EXPECT_FALSE(ParseKindName("pod"));
}

}  // namespace
}  // namespace swarmop::reconciler
