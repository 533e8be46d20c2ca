// Errors point where they were made: a value at its file:line:column (or its --set flag), a template at its
// file and line, a rendered spec at its template. Nothing renders when anything is wrong.
#include <gtest/gtest.h>

#include "swarmop/charts/render.h"
#include "test_chart.h"

namespace swarmop::charts {
namespace {

using testing::ApiChart;

std::string Errors(const RenderResult& result) { return crds::FormatDiagnostics(result.errors); }

TEST(ChartValues, AWrongTypeInAValuesFileIsReportedAtItsLineAndColumn) {
  RenderRequest request;
  request.values_files = {{"prod.yaml", "sites:\n  douala:\n    replicas: two\n"}};
  const RenderResult result = RenderChart(ApiChart(), request);
  EXPECT_EQ(Errors(result), "prod.yaml:3:5: sites.douala.replicas: must be an integer, got string \"two\"\n");
  EXPECT_TRUE(result.manifests.empty());
}

TEST(ChartValues, AnUnknownKeyIsReportedWithTheClosestKnownOne) {
  RenderRequest request;
  request.values_files = {{"prod.yaml", "imag: busybox:2\n"}};
  const std::string errors = Errors(RenderChart(ApiChart(), request));
  EXPECT_NE(errors.find("prod.yaml:1:1: imag: unknown field (did you mean \"image\"?)"), std::string::npos)
      << errors;
}

TEST(ChartValues, ABadSetFlagIsReportedAsTheFlag) {
  RenderRequest request;
  request.set_flags = {"sites.douala.replicas=-1"};
  EXPECT_EQ(Errors(RenderChart(ApiChart(), request)),
            "--set sites.douala.replicas=-1: sites.douala.replicas: must be at least 0, got -1\n");
}

TEST(ChartValues, AMalformedSetFlagIsReportedAsTheFlag) {
  RenderRequest request;
  request.set_flags = {"sites..douala=1"};
  EXPECT_NE(Errors(RenderChart(ApiChart(), request)).find("--set sites..douala=1: expected PATH=VALUE"),
            std::string::npos);
}

TEST(ChartValues, LaterFilesAndSetFlagsWinAndMapsMerge) {
  RenderRequest request;
  request.values_files = {{"a.yaml", "sites: {yaounde: {replicas: 1}}\n"}, {"b.yaml", "image: busybox:2\n"}};
  request.set_flags = {"image=busybox:3", "sites.douala.replicas=5"};
  const RenderResult result = RenderChart(ApiChart(), request);
  ASSERT_EQ(Errors(result), "");
  const crds::Service& web = result.specs.services.at(0);
  EXPECT_EQ(web.spec.image, "busybox:3");
  EXPECT_EQ(web.spec.sites.at("douala").replicas, 5);
  EXPECT_EQ(web.spec.sites.at("yaounde").replicas, 1);
}

TEST(ChartValues, AnErrorInTheChartDefaultsNamesTheChartsValuesFile) {
  const RenderResult result =
      RenderChart(ApiChart(testing::kApiTemplate, "image: busybox\nsites: [a]\n"), {});
  EXPECT_EQ(Errors(result), "api/values.yaml:2:1: sites: must be a mapping, got a list\n");
}

TEST(ChartValues, AnErrorUnderASchemaReferenceIsPhrasedPlainly) {
  auto chart = LoadChart("estate");
  ASSERT_TRUE(chart.ok());
  RenderRequest request;
  request.set_flags = {"apis[0].sites.douala.replicas=two"};
  EXPECT_EQ(Errors(RenderChart(*chart, request)),
            "--set apis[0].sites.douala.replicas=two: "
            "apis[0].sites.douala.replicas: must be an integer, got string \"two\"\n");
}

TEST(ChartValues, AYamlSyntaxErrorIsReportedAtItsPosition) {
  RenderRequest request;
  request.values_files = {{"prod.yaml", "image: [unclosed\n"}};
  const std::string errors = Errors(RenderChart(ApiChart(), request));
  EXPECT_EQ(errors.rfind("prod.yaml:", 0), 0u) << errors;
}

TEST(ChartTemplates, AnUnclosedSectionNamesTheTemplateAndLine) {
  const RenderResult result = RenderChart(ApiChart("kind: Service\n\n{{#Values.name}}\nx: 1\n"), {});
  EXPECT_EQ(Errors(result), "api/templates/service.yaml:3:1: template: Unclosed section \"Values.name\"\n");
}

TEST(ChartTemplates, ARequiredValueThatIsMissingNamesTheTemplateAndLine) {
  RenderRequest request;
  request.set_flags = {"name="};
  const RenderResult result =
      RenderChart(ApiChart("kind: Service\nmetadata:\n  name: {{#required}}Values.name|name: give the API a "
                           "name{{/required}}\n"),
                  request);
  EXPECT_EQ(Errors(result), "api/templates/service.yaml:3:22: name: give the API a name\n");
}

TEST(ChartTemplates, ARenderedSpecThatFailsValidationNamesItsTemplate) {
  RenderRequest request;
  request.set_flags = {"name=Not_A_Name"};
  const std::string errors = Errors(RenderChart(ApiChart(), request));
  EXPECT_EQ(errors.rfind("api/templates/service.yaml:4:", 0), 0u) << errors;
  EXPECT_NE(errors.find("metadata.name"), std::string::npos) << errors;
}

TEST(ChartTemplates, ReleaseLabelIsAddedToEverySpecOnlyWhenAsked) {
  RenderRequest request;
  request.release = "r1";
  EXPECT_EQ(RenderChart(ApiChart(), request).specs.services.at(0).metadata.labels.count(kReleaseLabel), 0u);
  request.label_release = true;
  const RenderResult labelled = RenderChart(ApiChart(), request);
  ASSERT_EQ(Errors(labelled), "");
  EXPECT_EQ(labelled.specs.services.at(0).metadata.labels.at(kReleaseLabel), "r1");
}

}  // namespace
}  // namespace swarmop::charts
