// `swarmop install/upgrade/uninstall` as library calls (sites/chart_release.h) on a FakeEngine, with a chart
// built in memory: what each sequencing rule leaves written. A refused install (existing release, missing
// secret, invalid spec, a spec of no release) and a dry run write nothing, not even the release record.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "fake_engine.h"
#include "swarmop/charts/release.h"
#include "swarmop/reconciler/controller/default_render.h"
#include "swarmop/reconciler/sites/apply_manifests.h"
#include "swarmop/reconciler/sites/chart_release.h"

namespace swarmop::reconciler {
namespace {

using swarmop::testing::FakeEngine;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

struct Captured {
  std::string report, progress, error;
  EstateOutput Output() {
    return {[this](const std::string& t) { report += t; }, [this](const std::string& t) { progress += t; },
            [this](const std::string& t) { error += t; }};
  }
};

constexpr const char* kSiteTemplate = R"(apiVersion: swarmop.io/v1alpha1
kind: Site
metadata: {name: douala}
spec: {role: edge, nodeSelector: {site: douala}}
)";

constexpr const char* kServiceTemplate = R"(apiVersion: swarmop.io/v1alpha1
kind: Service
metadata: {name: api}
spec:
  image: local/busybox:1
  command: [sleep, "3600"]
  sites:
    douala: {replicas: {{Values.replicas}}}
)";

// One Site and one Service; `extra` is appended to the Service's spec.
charts::Chart WebChart(const std::string& extra = "", const std::string& replicas = "2") {
  charts::Chart chart;
  chart.dir = "web";
  chart.name = "web";
  chart.version = "1.0.0";
  chart.app_version = "1.0.0";
  chart.values_yaml = "replicas: " + replicas + "\n";
  chart.templates = {{"templates/service.yaml", std::string(kServiceTemplate) + extra},
                     {"templates/site.yaml", kSiteTemplate}};
  return chart;
}

class ChartReleaseTest : public ::testing::Test {
 protected:
  void SetUp() override { fake.AddNode("testbed", {{"site", "douala"}}); }

  ChartReleaseOptions Options(ReleaseMode mode = ReleaseMode::kInstall, bool dry_run = false) {
    ChartReleaseOptions options;
    options.release = "shop";
    options.chart_ref = "web";
    options.mode = mode;
    options.read_values = [](const std::string& path) -> StatusOr<std::string> {
      return InvalidArgumentError("-f " + path + ": cannot read the values file");
    };
    options.dry_run = dry_run;
    options.estate.render = DefaultRenderOptions();
    return options;
  }

  StatusOr<ReleaseOutcome> Install(const charts::Chart& chart, ReleaseMode mode = ReleaseMode::kInstall,
                                   bool dry_run = false) {
    out = {};
    return InstallChart(fake, chart, Options(mode, dry_run), out.Output());
  }

  StatusOr<ReleaseOutcome> Uninstall(const std::string& release, bool dry_run = false) {
    out = {};
    UninstallOptions options;
    options.release = release;
    options.dry_run = dry_run;
    options.estate.render = DefaultRenderOptions();
    return UninstallRelease(fake, options, out.Output());
  }

  int Revision() {
    auto record = charts::FindRelease(fake, "shop");
    EXPECT_TRUE(record.ok());
    return record.ok() && record->has_value() ? (*record)->revision : 0;
  }

  FakeEngine fake;
  Captured out;
};

TEST_F(ChartReleaseTest, InstallStoresTheReleasesSpecsRecordsItAndConverges) {
  auto outcome = Install(WebChart());
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_EQ(outcome->verdict, ReleaseVerdict::kDone) << out.error;
  EXPECT_THAT(fake.ServiceNames(), Contains("api-douala"));
  EXPECT_EQ(Revision(), 1);
  EXPECT_THAT(out.report, HasSubstr("release shop revision 1 (web 1.0.0) recorded\n"));

  // An upgrade renders revision 2 and stores what changed.
  auto upgraded = Install(WebChart("", "3"), ReleaseMode::kUpgrade);
  ASSERT_TRUE(upgraded.ok()) << upgraded.status().ToString();
  EXPECT_EQ(upgraded->verdict, ReleaseVerdict::kDone) << out.error;
  EXPECT_EQ(Revision(), 2);
}

TEST_F(ChartReleaseTest, InstallingAnExistingReleaseOrUpgradingAMissingOneWritesNothing) {
  auto upgrade = Install(WebChart(), ReleaseMode::kUpgrade);
  ASSERT_TRUE(upgrade.ok());
  EXPECT_EQ(upgrade->verdict, ReleaseVerdict::kRefused);
  EXPECT_EQ(upgrade->refusal, "no release shop: use `swarmop install` or `swarmop upgrade --install`");
  EXPECT_THAT(fake.WriteLog(), IsEmpty());

  ASSERT_TRUE(Install(WebChart()).ok());
  fake.ClearWriteLog();
  auto again = Install(WebChart("", "3"));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->verdict, ReleaseVerdict::kRefused);
  EXPECT_EQ(again->refusal, "release shop exists (revision 1): use `swarmop upgrade shop web`");
  EXPECT_THAT(fake.WriteLog(), IsEmpty());
}

TEST_F(ChartReleaseTest, AMissingSecretStoresNothingAndRecordsNothing) {
  auto outcome = Install(WebChart("  secrets: [api-key]\n"));
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_EQ(outcome->verdict, ReleaseVerdict::kRefused);
  EXPECT_THAT(outcome->refusal, IsEmpty()) << "the reasons were reported";
  EXPECT_THAT(out.error, HasSubstr("api-key"));
  EXPECT_THAT(out.error, HasSubstr("nothing stored, nothing changed\n"));
  EXPECT_THAT(fake.WriteLog(), IsEmpty());
  EXPECT_EQ(Revision(), 0);
}

TEST_F(ChartReleaseTest, AnInvalidRenderedSpecWritesNothing) {
  auto outcome = Install(WebChart("", "two"));
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_EQ(outcome->verdict, ReleaseVerdict::kRefused);
  EXPECT_THAT(out.error, HasSubstr("templates/service.yaml"));
  EXPECT_THAT(out.error, HasSubstr("nothing stored, nothing changed\n"));
  EXPECT_THAT(fake.WriteLog(), IsEmpty());
}

TEST_F(ChartReleaseTest, ADryRunReportsTheRecordAndTheChangesAndWritesNothing) {
  auto outcome = Install(WebChart(), ReleaseMode::kInstall, /*dry_run=*/true);
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_EQ(outcome->verdict, ReleaseVerdict::kDone);
  EXPECT_THAT(out.report, HasSubstr("Service/api would be stored (config "));
  EXPECT_THAT(out.report, HasSubstr("release shop revision 1 (web 1.0.0) would be recorded\n"
                                    "swarm changes (dry run):\n"));
  EXPECT_THAT(fake.WriteLog(), IsEmpty());
}

TEST_F(ChartReleaseTest, ASpecAppliedByHandIsNotTakenOver) {
  ApplyManifestsOptions apply;
  apply.estate.render = DefaultRenderOptions();
  ASSERT_TRUE(ApplyManifests(fake, {{"site.yaml", kSiteTemplate}}, apply, out.Output()).ok());
  fake.ClearWriteLog();
  auto outcome = Install(WebChart());
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_EQ(outcome->verdict, ReleaseVerdict::kRefused);
  EXPECT_THAT(out.error, HasSubstr("Site/douala is already stored (config "));
  EXPECT_THAT(out.error,
              HasSubstr("belongs to no release (applied by hand): release shop would take it over"));
  EXPECT_THAT(fake.WriteLog(), IsEmpty());
}

TEST_F(ChartReleaseTest, UninstallDeletesTheReleasesSpecsAndRecordAndPrunesWhatTheyRendered) {
  ASSERT_TRUE(Install(WebChart()).ok());
  fake.ClearWriteLog();

  auto dry = Uninstall("shop", /*dry_run=*/true);
  ASSERT_TRUE(dry.ok()) << dry.status().ToString();
  EXPECT_EQ(dry->verdict, ReleaseVerdict::kDone);
  EXPECT_THAT(out.report, HasSubstr("Service/api would be deleted\n"));
  EXPECT_THAT(fake.WriteLog(), IsEmpty());

  auto removed = Uninstall("shop");
  ASSERT_TRUE(removed.ok()) << removed.status().ToString();
  EXPECT_EQ(removed->verdict, ReleaseVerdict::kDone) << out.error;
  EXPECT_THAT(out.report, HasSubstr("release shop uninstalled\n"));
  EXPECT_THAT(fake.ServiceNames(), Not(Contains("api-douala")));
  EXPECT_EQ(Revision(), 0);

  auto unknown = Uninstall("shop");
  ASSERT_TRUE(unknown.ok());
  EXPECT_EQ(unknown->verdict, ReleaseVerdict::kRefused);
  EXPECT_EQ(unknown->refusal, "no release shop");
}

}  // namespace
}  // namespace swarmop::reconciler
