// The template helpers (render.h): toYaml, join, default, required, quote, and <key>_yaml / <key>_any.
#include "helpers.h"

#include <gtest/gtest.h>

namespace swarmop::charts::internal {
namespace {

std::string Render(const std::string& tmpl, const nlohmann::json& values) {
  TemplateOutput out = RenderTemplate("t.yaml", tmpl, {{"Values", values}, {"Release", {{"Name", "rel"}}}});
  if (out.error) return "ERROR " + out.error->ToString();
  return out.text;
}

TEST(ChartHelpers, ToYamlWritesAValueAsFlowYaml) {
  EXPECT_EQ(Render("sites: {{#toYaml}}Values.sites{{/toYaml}}", {{"sites", {{"a", {{"replicas", 2}}}}}}),
            "sites: {\"a\":{\"replicas\":2}}");
}

TEST(ChartHelpers, ToYamlOfAMissingValueIsAnErrorAtItsLine) {
  EXPECT_EQ(Render("a: 1\nb: {{#toYaml}}Values.nope{{/toYaml}}", nlohmann::json::object()),
            "ERROR t.yaml:2:15: toYaml: no value at Values.nope");
}

TEST(ChartHelpers, ToYamlWorksOnAListItemsField) {
  EXPECT_EQ(Render("{{#Values.apis}}{{name}}: {{#toYaml}}sites{{/toYaml}};{{/Values.apis}}",
                   {{"apis", {{{"name", "a"}, {"sites", {"x"}}}, {{"name", "b"}, {"sites", {"y", "z"}}}}}}),
            "a: [\"x\"];b: [\"y\",\"z\"];");
}

TEST(ChartHelpers, JoinJoinsAListWithTheSeparatorGiven) {
  EXPECT_EQ(Render("{{#join}}Values.l|+{{/join}} {{#join}}Values.l{{/join}}", {{"l", {"a", "b", 3}}}),
            "a+b+3 a, b, 3");
}

TEST(ChartHelpers, DefaultFallsBackWhenUnsetOrEmpty) {
  EXPECT_EQ(Render("{{#default}}Values.name|{{Release.Name}}-api{{/default}}", {{"name", ""}}), "rel-api");
  EXPECT_EQ(Render("{{#default}}Values.name|x{{/default}}", {{"name", "given"}}), "given");
}

TEST(ChartHelpers, QuoteWritesADoubleQuotedString) {
  EXPECT_EQ(Render("v: {{#quote}}{{Values.v}}{{/quote}}", {{"v", "-1"}}), "v: \"-1\"");
}

TEST(ChartHelpers, AnyTestsAListWithoutIteratingIt) {
  EXPECT_EQ(Render("{{#Values.l_any}}yes{{/Values.l_any}}{{^Values.e_any}}none{{/Values.e_any}}",
                   {{"l", {1, 2, 3}}, {"e", nlohmann::json::array()}}),
            "yesnone");
}

TEST(ChartHelpers, OutputIsNotHtmlEscaped) {
  EXPECT_EQ(Render("{{Values.s}}", {{"s", "a&b<c>\"d\""}}), "a&b<c>\"d\"");
}

}  // namespace
}  // namespace swarmop::charts::internal
