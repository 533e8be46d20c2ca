// Every chart shipped in charts/ lints clean and renders, with its defaults, exactly its golden file
// (tests/unit/charts/golden/<chart>.yaml). After an intended change: SWARMOP_UPDATE_GOLDEN=1 unit_charts.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "swarmop/charts/render.h"

namespace swarmop::charts {
namespace {

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

TEST(ShippedCharts, AllEightAreThere) {
  std::vector<std::string> names;
  for (const std::string& dir : ShippedCharts()) names.push_back(std::filesystem::path(dir).filename());
  EXPECT_EQ(names, (std::vector<std::string>{"django-api", "estate", "kong-gateway", "logstash",
                                             "mongodb-replicaset", "monitoring", "postgres-replication",
                                             "swarmop"}));
}

TEST(ShippedCharts, EveryChartLintsClean) {
  for (const std::string& dir : ShippedCharts()) {
    auto chart = LoadChart(dir);
    ASSERT_TRUE(chart.ok()) << chart.status().ToString();
    EXPECT_EQ(crds::FormatDiagnostics(LintChart(*chart)), "") << dir;
  }
}

TEST(ShippedCharts, EveryChartRendersItsGoldenFile) {
  const bool update = std::getenv("SWARMOP_UPDATE_GOLDEN") != nullptr;
  for (const std::string& dir : ShippedCharts()) {
    auto chart = LoadChart(dir);
    ASSERT_TRUE(chart.ok());
    const RenderResult rendered = RenderChart(*chart, {});
    ASSERT_EQ(crds::FormatDiagnostics(rendered.errors), "") << dir;
    const std::string golden = std::string(SWARMOP_CHARTS_TEST_DIR) + "/golden/" + chart->name + ".yaml";
    const std::string text = ManifestStream(rendered);
    if (update) std::ofstream(golden) << text;
    EXPECT_EQ(text, ReadText(golden)) << golden << " (SWARMOP_UPDATE_GOLDEN=1 rewrites it)";
  }
}

TEST(ShippedCharts, TheReleaseNameNamesTheSpecsOfAnAppChart) {
  auto chart = LoadChart("django-api");
  ASSERT_TRUE(chart.ok());
  RenderRequest request;
  request.release = "billing-api";
  request.label_release = true;
  const RenderResult rendered = RenderChart(*chart, request);
  ASSERT_EQ(crds::FormatDiagnostics(rendered.errors), "");
  ASSERT_EQ(rendered.specs.services.size(), 1u);
  EXPECT_EQ(rendered.specs.services[0].name(), "billing-api");
  EXPECT_EQ(rendered.specs.services[0].metadata.labels.at(kReleaseLabel), "billing-api");
}

TEST(ShippedCharts, AnInstalledReleaseGetsTheEnvironmentsOverridesAsApplyWould) {
  auto chart = LoadChart("estate");
  ASSERT_TRUE(chart.ok());
  RenderRequest request;
  request.release = "estate";
  request.label_release = true;
  request.environment = "staging";
  const RenderResult rendered = RenderChart(*chart, request);
  ASSERT_EQ(crds::FormatDiagnostics(rendered.errors), "");
  const crds::Service* api = rendered.specs.FindService("identity-api");
  ASSERT_NE(api, nullptr);
  EXPECT_EQ(api->spec.sites.at("douala").replicas, 1);
  EXPECT_EQ(api->spec.env.at("DJANGO_DEBUG"), "0");
  EXPECT_EQ(api->metadata.labels.at(kReleaseLabel), "estate");
}

}  // namespace
}  // namespace swarmop::charts
