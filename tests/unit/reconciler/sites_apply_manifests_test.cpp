// `swarmop apply` and `swarmop diff` as library calls (sites/apply_manifests.h) on a FakeEngine: the order of
// their steps decides what is written, so each rule is checked by the engine's write log: a missing
// reference, a dry run, an invalid spec and a diff write nothing. The lines asserted are those `swarmop`
// prints.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "controller_test_specs.h"
#include "fake_engine.h"
#include "swarmop/reconciler/controller/default_render.h"
#include "swarmop/reconciler/sites/apply_manifests.h"

namespace swarmop::reconciler {
namespace {

using swarmop::testing::FakeEngine;
using testing::BrokenServiceYaml;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using testing::ServiceYaml;
using testing::SiteYaml;

struct Captured {
  std::string report, progress, error;
  EstateOutput Output() {
    return {[this](const std::string& t) { report += t; }, [this](const std::string& t) { progress += t; },
            [this](const std::string& t) { error += t; }};
  }
};

std::vector<crds::SourceFile> Files(const std::string& yaml) { return {{"estate.yaml", yaml}}; }

std::string Estate() { return SiteYaml() + "---\n" + ServiceYaml("api", 2); }

class ApplyManifestsTest : public ::testing::Test {
 protected:
  void SetUp() override { fake.AddNode("testbed", {{"site", "douala"}}); }

  StatusOr<ApplyVerdict> Apply(const std::string& yaml, bool dry_run = false) {
    ApplyManifestsOptions options;
    options.dry_run = dry_run;
    options.estate.render = DefaultRenderOptions();
    return ApplyManifests(fake, Files(yaml), options, out.Output());
  }

  StatusOr<DiffVerdict> Diff(const std::string& yaml, DiffFormat format = DiffFormat::kText) {
    DiffManifestsOptions options;
    options.format = format;
    options.estate.render = DefaultRenderOptions();
    return DiffManifests(fake, Files(yaml), options, out.Output());
  }

  FakeEngine fake;
  Captured out;
};

TEST_F(ApplyManifestsTest, StoresTheSpecsThenConvergesTheSwarmToThem) {
  auto verdict = Apply(Estate());
  ASSERT_TRUE(verdict.ok()) << verdict.status().ToString();
  EXPECT_EQ(*verdict, ApplyVerdict::kApplied) << out.error;
  EXPECT_THAT(fake.ServiceNames(), Contains("api-douala"));
  EXPECT_EQ(fake.ConfigNames().size(), 2u) << "one config per spec";
  EXPECT_THAT(out.report, HasSubstr("Service/api"));
  EXPECT_THAT(out.error, IsEmpty());

  fake.ClearWriteLog();
  out = {};
  auto again = Apply(Estate());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, ApplyVerdict::kApplied);
  EXPECT_THAT(fake.WriteLog(), IsEmpty()) << "applying the same files again writes nothing";
}

TEST_F(ApplyManifestsTest, AMissingSecretStoresNothingAndChangesNothing) {
  auto verdict = Apply(Estate() + "  secrets: [api-key]\n");
  ASSERT_TRUE(verdict.ok()) << verdict.status().ToString();
  EXPECT_EQ(*verdict, ApplyVerdict::kRefused);
  EXPECT_THAT(fake.WriteLog(), IsEmpty());
  EXPECT_THAT(fake.ConfigNames(), IsEmpty()) << "the specs are not stored either";
  EXPECT_THAT(out.error, HasSubstr("api-key"));
  EXPECT_THAT(out.error, HasSubstr("nothing stored, nothing changed\n"));

  fake.AddSecret("api-key");
  out = {};
  auto with_secret = Apply(Estate() + "  secrets: [api-key]\n");
  ASSERT_TRUE(with_secret.ok());
  EXPECT_EQ(*with_secret, ApplyVerdict::kApplied) << out.error;
  EXPECT_THAT(fake.ServiceNames(), Contains("api-douala"));
}

TEST_F(ApplyManifestsTest, ADryRunReportsWhatWouldBeStoredAndChangedAndWritesNothing) {
  auto verdict = Apply(Estate(), /*dry_run=*/true);
  ASSERT_TRUE(verdict.ok()) << verdict.status().ToString();
  EXPECT_EQ(*verdict, ApplyVerdict::kApplied);
  EXPECT_THAT(fake.WriteLog(), IsEmpty());
  EXPECT_THAT(out.report, HasSubstr("Service/api would be stored (config "));
  EXPECT_THAT(out.report, HasSubstr("swarm changes (dry run):\n"));
  EXPECT_THAT(out.report, HasSubstr("api-douala"));
  EXPECT_THAT(out.report, Not(HasSubstr("none: the swarm already matches")));
}

TEST_F(ApplyManifestsTest, AnInvalidSpecIsReportedAndNothingIsWritten) {
  for (bool dry_run : {false, true}) {
    out = {};
    auto verdict = Apply(SiteYaml() + "---\n" + BrokenServiceYaml(), dry_run);
    ASSERT_TRUE(verdict.ok()) << verdict.status().ToString();
    EXPECT_EQ(*verdict, ApplyVerdict::kRefused);
    EXPECT_THAT(fake.WriteLog(), IsEmpty()) << "dry run: " << dry_run;
    EXPECT_THAT(out.error, HasSubstr("estate.yaml:"));
    EXPECT_THAT(out.error, HasSubstr("1 error in 1 file\nnothing stored, nothing changed\n"));
    EXPECT_THAT(out.report, IsEmpty());
  }
}

TEST_F(ApplyManifestsTest, AnEngineErrorNamesWhatWasBeingDone) {
  fake.FailNext("list configs", 1, UnavailableError("connection reset"));
  auto verdict = Apply(Estate());
  ASSERT_FALSE(verdict.ok());
  EXPECT_EQ(verdict.status().message(), "reading the stored specs: listing configs: connection reset");
  EXPECT_THAT(fake.WriteLog(), IsEmpty());
}

TEST_F(ApplyManifestsTest, ADiffWritesNothingAndSaysWhetherApplyWouldChangeAnything) {
  auto before = Diff(Estate());
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  EXPECT_EQ(*before, DiffVerdict::kChanges);
  EXPECT_THAT(fake.WriteLog(), IsEmpty());
  EXPECT_THAT(out.report, HasSubstr("create spec Service/api\n"));
  EXPECT_THAT(out.report, HasSubstr("api-douala"));

  ASSERT_TRUE(Apply(Estate()).ok());
  fake.ClearWriteLog();
  out = {};
  auto after = Diff(Estate());
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(*after, DiffVerdict::kNoChanges) << out.report;
  EXPECT_THAT(out.report, Not(HasSubstr("spec ")));
  EXPECT_THAT(fake.WriteLog(), IsEmpty());
}

TEST_F(ApplyManifestsTest, ADiffAsJsonListsTheSpecsAndTheSwarmsPlan) {
  auto verdict = Diff(Estate(), DiffFormat::kJson);
  ASSERT_TRUE(verdict.ok()) << verdict.status().ToString();
  EXPECT_EQ(*verdict, DiffVerdict::kChanges);
  const nlohmann::json doc = nlohmann::json::parse(out.report);
  ASSERT_EQ(doc.at("specs").size(), 2u);
  EXPECT_EQ(doc.at("specs")[0].at("op"), "create");
  EXPECT_TRUE(doc.at("sites").empty()) << "no separate-swarm site";
  EXPECT_TRUE(doc.contains("swarm"));
  EXPECT_THAT(fake.WriteLog(), IsEmpty());
}

TEST_F(ApplyManifestsTest, ADiffOfAnInvalidSpecIsInvalidAndWritesNothing) {
  auto verdict = Diff(SiteYaml() + "---\n" + BrokenServiceYaml());
  ASSERT_TRUE(verdict.ok()) << verdict.status().ToString();
  EXPECT_EQ(*verdict, DiffVerdict::kInvalid);
  EXPECT_THAT(out.error, HasSubstr("1 error in 1 file\n"));
  EXPECT_THAT(out.error, Not(HasSubstr("nothing stored")));
  EXPECT_THAT(out.report, IsEmpty());
  EXPECT_THAT(fake.WriteLog(), IsEmpty());
}

}  // namespace
}  // namespace swarmop::reconciler
