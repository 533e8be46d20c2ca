#include <gtest/gtest.h>

#include "swarmop/reconciler/controller/spec_problems.h"
#include "swarmop/reconciler/core/labels.h"

namespace swarmop::reconciler {
namespace {

crds::Diagnostic Error(const std::string& file, const std::string& kind, const std::string& name) {
  crds::Diagnostic d;
  d.file = file;
  d.line = 3;
  d.kind = kind;
  d.name = name;
  d.message = "bad";
  return d;
}

TEST(SpecProblems, AConfigsErrorsBelongToTheKeyItsLabelsName) {
  StoreContents contents;
  InvalidConfig config;
  config.config_id = "c1";
  config.config_name = "swarmop-service-api-1";
  config.labels = {{labels::kKind, "Service"}, {labels::kName, "api"}};
  config.errors = {Error("config:swarmop-service-api-1", "", "")};
  contents.invalid = {config};
  SpecProblems problems = FindSpecProblems(contents);
  ASSERT_EQ(problems.invalid.count(Request{"Service", "api"}), 1u);
  const Request api{"Service", "api"};
  EXPECT_EQ(problems.invalid[api].config_id, "c1");
  EXPECT_TRUE(problems.unattributed.empty());
}

TEST(SpecProblems, AHandMadeConfigsErrorsBelongToTheKindAndNameTheyMention) {
  StoreContents contents;
  InvalidConfig config;
  config.config_id = "c2";
  config.config_name = "api-by-hand";
  config.errors = {Error("config:api-by-hand", "Service", "api")};
  contents.invalid = {config};
  SpecProblems problems = FindSpecProblems(contents);
  EXPECT_EQ(problems.invalid.count(Request{"Service", "api"}), 1u);
  const std::vector<Request> expected = {Request{"Service", "api"}};
  EXPECT_EQ(SpecKeys(contents, problems), expected);
}

TEST(SpecProblems, AConfigThatNamesNoKeyIsUnattributed) {
  StoreContents contents;
  InvalidConfig config;
  config.config_name = "half-typed";
  config.errors = {Error("config:half-typed", "", "")};
  contents.invalid = {config};
  SpecProblems problems = FindSpecProblems(contents);
  EXPECT_TRUE(problems.invalid.empty());
  ASSERT_EQ(problems.unattributed.size(), 1u);
}

TEST(SpecProblems, CrossReferenceErrorsMarkTheSpecTheyPointAtShownOnItsWinningConfig) {
  StoreContents contents;
  StoredSpec spec;
  spec.kind = crds::Kind::kService;
  spec.name = "api";
  spec.config_id = "c3";
  spec.config_name = "swarmop-service-api-3";
  contents.specs = {spec};
  contents.cross_reference_errors = {Error("config:swarmop-service-api-3", "Service", "api")};
  SpecProblems problems = FindSpecProblems(contents);
  const InvalidSpec& invalid = problems.invalid[Request{"Service", "api"}];
  EXPECT_TRUE(invalid.stored_winner);
  EXPECT_EQ(invalid.config_id, "c3");
}

TEST(SpecProblems, ManyErrorsAreCutToAFewLines) {
  std::vector<crds::Diagnostic> errors(8, Error("config:x", "Service", "api"));
  std::string text = FormatProblems(errors, 2);
  EXPECT_NE(text.find("(6 more)"), std::string::npos) << text;
}

}  // namespace
}  // namespace swarmop::reconciler
