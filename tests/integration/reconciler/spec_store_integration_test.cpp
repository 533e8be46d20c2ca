// SpecStore against a real engine in swarm mode (see tests/testbed/). Reads SWARMOP_TEST_DOCKER_HOST and
// fails loudly when it is unset or unreachable. The store reads EVERY config of the swarm, so each test
// starts and ends by removing the configs that hold swarmop specs: run it against a disposable swarm only.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "bed_env.h"
#include "swarmop/crds/load.h"
#include "swarmop/engine/counting_engine.h"
#include "swarmop/engine/engine.h"
#include "swarmop/reconciler/core/labels.h"
#include "swarmop/reconciler/store/spec_store.h"

namespace swarmop::reconciler {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

const char* kSites = R"(apiVersion: swarmop.io/v1alpha1
kind: Site
metadata: {name: douala}
spec: {role: edge, nodeSelector: {site: douala}}
)";

std::string Service(const std::string& name, int replicas) {
  return "apiVersion: swarmop.io/v1alpha1\nkind: Service\nmetadata: {name: " + name +
         "}\nspec:\n  image: local/busybox:1\n  sites:\n    douala: {replicas: " + std::to_string(replicas) +
         "}\n";
}

class SpecStoreIntegration : public ::testing::Test {
 protected:
  void SetUp() override {
    auto connected = testsupport::ConnectTestBed();
    ASSERT_TRUE(connected.ok()) << connected.status().ToString();
    engine_ = std::move(connected).value();
    counting_ = std::make_unique<engine::CountingEngine>(engine_.get());
    RemoveSpecConfigs();
  }
  void TearDown() override {
    if (engine_) RemoveSpecConfigs();
  }

  // Every config that holds (or claims to hold) a spec, whoever made it.
  void RemoveSpecConfigs() {
    auto configs = engine_->ListConfigs({});
    ASSERT_TRUE(configs.ok()) << configs.status().ToString();
    for (const engine::Config& c : *configs) {
      auto role = c.spec.labels.find(labels::kRole);
      const bool labelled = role != c.spec.labels.end() && role->second == labels::kRoleSpec;
      if (labelled || crds::LooksLikeSwarmopSpec(c.spec.data)) {
        Status removed = engine_->RemoveConfig(c.id);
        EXPECT_TRUE(removed.ok() || removed.code() == Code::kNotFound) << removed.ToString();
      }
    }
  }

  ApplySpecsResult ApplyOk(SpecStore& store, const std::vector<crds::SourceFile>& files) {
    auto result = store.Apply(files);
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    if (!result.ok()) return {};
    EXPECT_TRUE(result->plan.ok()) << crds::FormatDiagnostics(result->plan.errors);
    return std::move(result).value();
  }

  std::unique_ptr<engine::Engine> engine_;
  std::unique_ptr<engine::CountingEngine> counting_;
};

TEST_F(SpecStoreIntegration, ApplyStoresLabelledConfigsAndASecondApplyWritesNothing) {
  SpecStore store(*counting_);
  const std::vector<crds::SourceFile> files = {{"sites.yaml", kSites}, {"web.yaml", Service("web", 2)}};
  ApplySpecsResult first = ApplyOk(store, files);
  EXPECT_EQ(first.writes, 2);
  EXPECT_EQ(counting_->Writes(), 2u);

  auto config = engine_->InspectConfig(first.plan.writes.back().config_name);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->spec.labels.at(labels::kManagedBy), "swarmop");
  EXPECT_EQ(config->spec.labels.at(labels::kRole), "spec");
  EXPECT_EQ(config->spec.labels.at(labels::kKind), "Service");
  EXPECT_EQ(config->spec.labels.at(labels::kName), "web");
  EXPECT_EQ(config->spec.labels.at(labels::kHash), first.plan.writes.back().spec_hash);

  counting_->Reset();
  ApplySpecsResult second = ApplyOk(store, files);
  EXPECT_EQ(second.writes, 0);
  EXPECT_EQ(counting_->Writes(), 0u) << ::testing::PrintToString(counting_->WriteLog());
}

TEST_F(SpecStoreIntegration, TheEngineListsConfigDataSoLoadNeedsNoInspect) {
  SpecStore store(*counting_);
  ApplyOk(store, {{"sites.yaml", kSites}, {"web.yaml", Service("web", 1)}});
  counting_->Reset();
  auto contents = store.Load();
  ASSERT_TRUE(contents.ok()) << contents.status().ToString();
  EXPECT_THAT(contents->specs, SizeIs(2));
  EXPECT_EQ(counting_->Count("inspect config"), 0u) << "GET /configs returned no Spec.Data";
}

TEST_F(SpecStoreIntegration, AChangedSpecReplacesItsConfig) {
  SpecStore store(*counting_);
  const std::string old_config = ApplyOk(store, {{"sites.yaml", kSites}, {"web.yaml", Service("web", 1)}})
                                     .plan.writes.back()
                                     .config_name;
  ApplySpecsResult changed = ApplyOk(store, {{"sites.yaml", kSites}, {"web.yaml", Service("web", 3)}});
  const SpecWrite& web = changed.plan.writes.back();
  EXPECT_EQ(web.action, SpecWrite::Action::kUpdate);
  EXPECT_NE(web.config_name, old_config);
  EXPECT_EQ(engine_->InspectConfig(old_config).status().code(), Code::kNotFound);
  auto contents = store.Load();
  ASSERT_TRUE(contents.ok());
  EXPECT_EQ(contents->state.FindService("web")->spec.sites.at("douala").replicas, 3);
  EXPECT_THAT(contents->superseded, IsEmpty());
}

TEST_F(SpecStoreIntegration, AHandMadeConfigWithoutLabelsShowsUp) {
  // What `docker config create my-web web.yaml` does.
  ASSERT_TRUE(engine_->CreateConfig({"my-sites", {}, kSites, ""}).ok());
  ASSERT_TRUE(engine_->CreateConfig({"my-web", {}, Service("web", 2), ""}).ok());
  SpecStore store(*counting_);
  auto contents = store.Load();
  ASSERT_TRUE(contents.ok()) << contents.status().ToString();
  const StoredSpec* web = contents->Find(crds::Kind::kService, "web");
  ASSERT_NE(web, nullptr);
  EXPECT_EQ(web->config_name, "my-web");
  EXPECT_FALSE(web->owned);
  EXPECT_THAT(contents->cross_reference_errors, IsEmpty());
}

TEST_F(SpecStoreIntegration, ABrokenHandMadeConfigIsReportedAndTheRestStillLoad) {
  SpecStore store(*counting_);
  ApplyOk(store, {{"sites.yaml", kSites}, {"web.yaml", Service("web", 1)}});
  ASSERT_TRUE(engine_->CreateConfig({"broken-spec", {}, Service("api", 1) + "  colour: blue\n", ""}).ok());
  auto contents = store.Load();
  ASSERT_TRUE(contents.ok()) << contents.status().ToString();
  EXPECT_THAT(contents->specs, SizeIs(2));
  ASSERT_THAT(contents->invalid, SizeIs(1));
  EXPECT_EQ(contents->invalid[0].config_name, "broken-spec");
  ASSERT_FALSE(contents->invalid[0].errors.empty());
  EXPECT_THAT(contents->invalid[0].errors[0].ToString(), HasSubstr("config:broken-spec"));
}

TEST_F(SpecStoreIntegration, TheNewestOfTwoHandMadeConfigsWins) {
  ASSERT_TRUE(engine_->CreateConfig({"sites-by-hand", {}, kSites, ""}).ok());
  ASSERT_TRUE(engine_->CreateConfig({"web-v1", {}, Service("web", 1), ""}).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_TRUE(engine_->CreateConfig({"web-v2", {}, Service("web", 2), ""}).ok());
  SpecStore store(*counting_);
  auto contents = store.Load();
  ASSERT_TRUE(contents.ok());
  EXPECT_EQ(contents->Find(crds::Kind::kService, "web")->config_name, "web-v2");
  ASSERT_THAT(contents->superseded, SizeIs(1));
  EXPECT_EQ(contents->superseded[0].config_name, "web-v1");

  // Storing a new version never removes the user's configs.
  ApplySpecsResult applied = ApplyOk(store, {{"web.yaml", Service("web", 3)}});
  EXPECT_THAT(applied.plan.writes.back().unowned_leftover, SizeIs(2));
  EXPECT_TRUE(engine_->InspectConfig("web-v1").ok());
  EXPECT_TRUE(engine_->InspectConfig("web-v2").ok());
}

TEST_F(SpecStoreIntegration, AValidationErrorWritesNothing) {
  SpecStore store(*counting_);
  auto result = store.Apply({{"sites.yaml", kSites},
                             {"web.yaml", Service("web", 1)},
                             {"bad.yaml", Service("bad", 1) + "  replicas: many\n"}});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_FALSE(result->plan.ok());
  EXPECT_EQ(counting_->Writes(), 0u);
}

TEST_F(SpecStoreIntegration, StatusLabelsAreWrittenOnTheSpecsConfig) {
  SpecStore store(*counting_);
  const std::string config = ApplyOk(store, {{"sites.yaml", kSites}, {"web.yaml", Service("web", 1)}})
                                 .plan.writes.back()
                                 .config_name;
  ASSERT_TRUE(
      store
          .SetStatusLabels(crds::Kind::kService, "web",
                           {{"io.swarmop.status.ready", "True"}, {"io.swarmop.status.reason", "Converged"}})
          .ok());
  auto read = engine_->InspectConfig(config);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->spec.labels.at("io.swarmop.status.ready"), "True");
  EXPECT_EQ(read->spec.labels.at(labels::kManagedBy), "swarmop");

  auto deleted = store.Delete(crds::Kind::kService, "web");
  ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
  EXPECT_EQ(engine_->InspectConfig(config).status().code(), Code::kNotFound);
}

}  // namespace
}  // namespace swarmop::reconciler
