#include "yaml_to_json.h"

#include <gtest/gtest.h>

namespace swarmop::crds::internal {
namespace {

using nlohmann::json;

TEST(YamlToJson, PlainScalarsBecomeTypedValues) {
  EXPECT_EQ(PlainScalarToJson("42"), json(42));
  EXPECT_EQ(PlainScalarToJson("-7"), json(-7));
  EXPECT_EQ(PlainScalarToJson("0.5"), json(0.5));
  EXPECT_EQ(PlainScalarToJson("true"), json(true));
  EXPECT_EQ(PlainScalarToJson("False"), json(false));
  EXPECT_EQ(PlainScalarToJson("~"), json(nullptr));
  EXPECT_EQ(PlainScalarToJson(""), json(nullptr));
  EXPECT_EQ(PlainScalarToJson("yes"), json("yes"));  // YAML 1.2: not a boolean
  EXPECT_EQ(PlainScalarToJson("1.4.2"), json("1.4.2"));
  EXPECT_EQ(PlainScalarToJson("nginx:1.25"), json("nginx:1.25"));
}

TEST(YamlToJson, QuotedScalarsStayStrings) {
  YamlParseResult r = ParseYaml("f.yaml", "a: \"42\"\nb: 'true'\nc: 42\nd: true\n");
  ASSERT_EQ(r.documents.size(), 1u);
  EXPECT_EQ(r.documents[0].value, json::parse(R"({"a":"42","b":"true","c":42,"d":true})"));
}

TEST(YamlToJson, ExplicitStringTagKeepsTheText) {
  YamlParseResult r = ParseYaml("f.yaml", "a: !!str 42\n");
  ASSERT_EQ(r.documents.size(), 1u);
  EXPECT_EQ(r.documents[0].value, json::parse(R"({"a":"42"})"));
}

TEST(YamlToJson, PositionsAreRecordedPerJsonPointerAtTheKey) {
  YamlParseResult r =
      ParseYaml("f.yaml", "spec:\n  sites:\n    douala:\n      replicas: 2\n  ports: [{target: 80}]\n");
  ASSERT_EQ(r.documents.size(), 1u);
  const auto& p = r.documents[0].positions;
  EXPECT_EQ(p.at("/spec/sites/douala/replicas").line, 4);
  EXPECT_EQ(p.at("/spec/sites/douala/replicas").column, 7);
  EXPECT_EQ(p.at("/spec/ports/0").line, 5);
  EXPECT_EQ(p.at("/spec/ports/0/target").column, 12);
}

TEST(YamlToJson, SyntaxErrorsCarryTheExceptionMark) {
  YamlParseResult r = ParseYaml("f.yaml", "a: [1, 2\nb: 3\n");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_GT(r.errors[0].line, 0);
  EXPECT_EQ(r.errors[0].file, "f.yaml");
}

TEST(YamlToJson, AnchorsAndAliasesAreExpanded) {
  YamlParseResult r = ParseYaml("f.yaml", "base: &b {replicas: 2}\nother: *b\n");
  ASSERT_EQ(r.documents.size(), 1u);
  EXPECT_EQ(r.documents[0].value["other"], json::parse(R"({"replicas":2})"));
}

TEST(YamlToJson, ALoneCommaIsAnErrorNotAHang) {  // yaml-cpp 0.7's LoadAll loops for ever on it
  YamlParseResult r = ParseYaml("f.yaml", ",");
  EXPECT_EQ(r.errors.size(), 1u);
  EXPECT_TRUE(r.documents.empty());
}

// Found by fuzz/manifest_fuzzer: a byte that is not UTF-8 inside a value passed the parse and made a later
// json::dump() throw (type_error 316), which ended the process (`swarmop run` on such a Swarm config).
TEST(YamlToJson, InvalidUtf8IsAnErrorAtItsLineAndColumn) {
  YamlParseResult r = ParseYaml("f.yaml",
                                "a: 1\nsite: doua\x87"
                                "a\n");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].ToString(), "f.yaml:2:11: invalid YAML: byte 0x87 is not valid UTF-8");
  EXPECT_TRUE(r.documents.empty());
}

// Found by manifest_fuzzer: yaml-cpp turned the NUL into 0x85, and dumping the kind then ended the process.
TEST(YamlToJson, ANulByteIsAnErrorAtItsLineAndColumnNotACrash) {
  std::string text = "apiVersion: swarmop.io/v1alpha1\nkind: Replicab";
  text += '\0';
  text += "N4YAML\nmetadata: {}\n";
  YamlParseResult r = ParseYaml("f.yaml", text);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].ToString(),
            "f.yaml:2:15: invalid YAML: byte 0x00 is a control character YAML does not allow");
}

TEST(YamlToJson, TabsCarriageReturnsAndNewlinesAreText) {
  YamlParseResult r = ParseYaml("f.yaml", "a:\t1\r\nb: 2\n");
  EXPECT_TRUE(r.errors.empty());
}

TEST(YamlToJson, ValidMultiByteUtf8IsKept) {
  YamlParseResult r = ParseYaml("f.yaml", "city: Yaound\xc3\xa9\nemoji: \xf0\x9f\x90\xb3\n");
  ASSERT_TRUE(r.errors.empty()) << r.errors[0].ToString();
  EXPECT_EQ(r.documents[0].value["city"], "Yaound\xc3\xa9");
}

TEST(YamlToJson, OverlongAndSurrogateAndTruncatedSequencesAreNotUtf8) {
  for (const char* bad :
       {"a: \xc0\xaf\n", "a: \xed\xa0\x80\n", "a: \xe2\x82\n", "a: \xf5\x80\x80\x80\n", "a: \xff"}) {
    YamlParseResult r = ParseYaml("f.yaml", bad);
    ASSERT_EQ(r.errors.size(), 1u) << bad;
    EXPECT_NE(r.errors[0].message.find("is not valid UTF-8"), std::string::npos);
  }
}

TEST(YamlToJson, EmptyDocumentsAreSkipped) {
  YamlParseResult r = ParseYaml("f.yaml", "---\na: 1\n---\n---\nb: 2\n");
  EXPECT_EQ(r.documents.size(), 2u);
}

}  // namespace
}  // namespace swarmop::crds::internal
