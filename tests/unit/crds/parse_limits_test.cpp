// ParseLimits: hostile manifests are refused with file:line:column and "exceeds", never a crash or a hang.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "swarmop/crds/limits.h"
#include "swarmop/crds/load.h"
#include "yaml_to_json.h"

namespace swarmop::crds {
namespace {

using internal::ParseYaml;
using internal::YamlParseResult;

const char* kHeader = "apiVersion: swarmop.io/v1alpha1\nkind: Service\nmetadata:\n  name: lol\n";

// Each level holds nine aliases of the one before: 9^10 strings (3.4 billion) from about 600 bytes.
std::string BillionLaughs() {
  std::string yaml = kHeader;
  yaml += "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (int i = 1; i < 10; ++i) {
    std::string prev = "*a" + std::to_string(i - 1);
    yaml += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int k = 0; k < 9; ++k) yaml += (k ? ", " : "") + prev;
    yaml += "]\n";
  }
  return yaml + "spec: *a9\n";
}

void ExpectOneLimitError(const YamlParseResult& r, int line, const std::string& text) {
  ASSERT_EQ(r.errors.size(), 1u) << (r.errors.empty() ? "" : r.errors[1].ToString());
  EXPECT_TRUE(r.documents.empty());
  EXPECT_EQ(r.errors[0].line, line) << r.errors[0].ToString();
  EXPECT_GT(r.errors[0].column, 0);
  EXPECT_NE(r.errors[0].message.find(text), std::string::npos) << r.errors[0].message;
  EXPECT_NE(r.errors[0].message.find("exceeds"), std::string::npos) << r.errors[0].message;
}

TEST(ParseLimits, BillionLaughsStopsAtTheNodeLimitInsteadOfEatingTheMemory) {
  YamlParseResult r = ParseYaml("laughs.yaml", BillionLaughs());
  // a0..a4 make 74686 nodes; a5 would make 597871 more: its first alias past 250000 is on its line.
  ExpectOneLimitError(r, 10, "exceeds the limit of 250000 nodes per source");
}

TEST(ParseLimits, EachAliasCountsEveryNodeItRepeats) {
  ParseLimits limits;
  limits.max_nodes = 12;
  // root map (1) + key a (1) + list (1) + 3 items = 6; key b (1) + alias of 4 nodes = 11: fits.
  EXPECT_TRUE(ParseYaml("f.yaml", "a: &x [1, 2, 3]\nb: *x\n", limits).errors.empty());
  // one more alias: 11 + key (1) + 4 = 16 > 12.
  ExpectOneLimitError(ParseYaml("f.yaml", "a: &x [1, 2, 3]\nb: *x\nc: *x\n", limits), 3,
                      "exceeds the limit of 12 nodes per source");
}

TEST(ParseLimits, TheNodeLimitCoversEveryDocumentOfASource) {
  ParseLimits limits;
  limits.max_nodes = 10;
  // three nodes per document (map, key, value): the fourth document passes 10
  ExpectOneLimitError(ParseYaml("f.yaml", "a: 1\n---\nb: 2\n---\nc: 3\n---\nd: 4\n", limits), 7,
                      "exceeds the limit of 10 nodes per source");
}

TEST(ParseLimits, DeepFlowNestingIsRefusedAtTheFirstLevelPastTheLimit) {
  std::string yaml = "spec: " + std::string(100000, '[') + std::string(100000, ']') + "\n";
  ExpectOneLimitError(ParseYaml("deep.yaml", yaml), 1, "nesting depth 65 exceeds the limit of 64");
}

TEST(ParseLimits, DeepBlockNestingIsRefusedToo) {
  std::string yaml;
  for (int i = 0; i < 70; ++i) yaml += std::string(i * 2, ' ') + "k" + std::to_string(i) + ":\n";
  yaml += std::string(140, ' ') + "leaf: 1\n";
  ExpectOneLimitError(ParseYaml("deep.yaml", yaml), 65, "nesting depth 65 exceeds the limit of 64");
}

TEST(ParseLimits, NestingAtTheLimitIsAccepted) {
  std::string yaml = std::string(64, '[') + std::string(64, ']') + "\n";
  YamlParseResult r = ParseYaml("f.yaml", yaml);
  EXPECT_TRUE(r.errors.empty());
  EXPECT_EQ(r.documents.size(), 1u);
}

TEST(ParseLimits, ALongScalarIsRefusedWithItsSize) {
  std::string yaml = std::string(kHeader) + "spec:\n  image: " + std::string(300000, 'a') + "\n";
  ExpectOneLimitError(ParseYaml("long.yaml", yaml), 6,
                      "a scalar of 300000 bytes exceeds the limit of 262144 bytes");
}

TEST(ParseLimits, ALongKeyIsAScalarToo) {
  std::string yaml = "? " + std::string(300000, 'k') + "\n: 1\n";  // (implicit keys stop at 1024)
  ExpectOneLimitError(ParseYaml("long.yaml", yaml), 1, "a scalar of 300000 bytes exceeds");
}

TEST(ParseLimits, TooManyDocumentsAreRefusedAtTheFirstOneTooMany) {
  std::string yaml;
  for (int i = 0; i < 1001; ++i) yaml += "---\na: " + std::to_string(i) + "\n";
  YamlParseResult r = ParseYaml("many.yaml", yaml);
  ExpectOneLimitError(r, 2002, "document 1001 exceeds the limit of 1000 documents per source");
}

TEST(ParseLimits, ABigInputIsRefusedBeforeParsing) {
  std::string yaml = std::string(kHeader) + "# " + std::string(600000, 'x') + "\n";
  YamlParseResult r = ParseYaml("big.yaml", yaml);
  ExpectOneLimitError(
      r, 1,
      "the input of " + std::to_string(yaml.size()) +
          " bytes exceeds the limit of 512000 bytes (500 KiB, the most a Swarm config holds)");
}

TEST(ParseLimits, EveryLimitCanBeRaised) {
  ParseLimits limits;
  limits.max_scalar_bytes = 400000;
  std::string yaml = "a: " + std::string(300000, 'a') + "\n";
  EXPECT_TRUE(ParseYaml("f.yaml", yaml, limits).errors.empty());
}

TEST(ParseLimits, LoadSpecsReportsTheLimitAsFileLineColumn) {
  LoadResult r = LoadSpecs({{"laughs.yaml", BillionLaughs()}});
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].ToString().rfind("laughs.yaml:10:", 0), 0u) << r.errors[0].ToString();
}

TEST(ParseLimits, ASpecStoredAsAConfigIsRefusedTheSameWay) {
  LoadResult r = ParseConfigSpec("lol", BillionLaughs());
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].ToString().rfind("config:lol:10:", 0), 0u) << r.errors[0].ToString();
}

// libstdc++'s std::regex recurses per character: a long string checked by a schema `pattern` overflowed
// the stack (SIGSEGV) before the limit.
TEST(ParseLimits, ALongStringUnderAPatternIsAnErrorNotAStackOverflow) {
  std::string yaml =
      "apiVersion: swarmop.io/v1alpha1\nkind: Service\nmetadata:\n  name: " + std::string(200000, 'a') +
      "\nspec:\n  image: x\n  healthcheck: {http: /" + std::string(200000, 'b') + ", port: 80}\n";
  LoadResult r = LoadSpecs({{"long.yaml", yaml}});
  ASSERT_FALSE(r.ok());
  std::string all = FormatDiagnostics(r.errors);
  EXPECT_NE(all.find("long.yaml:4:3: Service/" + std::string(64, 'a') +
                     "...: metadata.name: a string of 200000 bytes exceeds the limit of 1024 bytes"),
            std::string::npos)
      << all.substr(0, 2000);
  EXPECT_NE(all.find("spec.healthcheck.http: a string of 200001 bytes exceeds the limit of 1024 bytes"),
            std::string::npos)
      << all.substr(0, 2000);
  EXPECT_LT(all.size(), 4000u);  // the megabytes are not repeated into the messages
}

// fuzz/manifest_fuzzer's first crash (crash-b44552bf...): the reference Sites with one byte changed to 0x87.
TEST(ParseLimits, AManifestThatIsNotUtf8IsAnErrorNotACrash) {
  const std::string yaml =
      "apiVersion: swarmop.io/v1alpha1\nkind: Site\nmetadata: {name: cloud}\n"
      "spec: {role: cloud, nodeSelector: {site: cloud}}\n---\napiVersion: swarmop.io/v1alpha1\nkind: Site\n"
      "metadata: {name: douala}\nspec: {role: edge, nodeSelector: {site: doua\x87"
      "a}}\n";
  LoadResult r = LoadSpecs({{"f.yaml", yaml}});
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].ToString(), "f.yaml:9:45: invalid YAML: byte 0x87 is not valid UTF-8");
  EXPECT_EQ(ParseConfigSpec("c", yaml).errors.size(), 1u);
}

TEST(ParseLimits, ReadSourcesDoesNotReadABigFileWhole) {
  std::string path = ::testing::TempDir() + "/big-manifest.yaml";
  {
    std::ofstream out(path, std::ios::binary);
    out << kHeader << "# " << std::string(2 * 1024 * 1024, 'x') << "\n";
  }
  auto sources = ReadSources({path});
  ASSERT_TRUE(sources.ok()) << sources.status().message();
  ASSERT_EQ(sources->size(), 1u);
  EXPECT_LE((*sources)[0].content.size(), 512001u);
  const size_t size = std::filesystem::file_size(path);
  EXPECT_EQ((*sources)[0].original_size, size);
  LoadResult r = LoadSpecs(*sources);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].ToString(), path + ":1:1: the input of " + std::to_string(size) +
                                        " bytes exceeds the limit of 512000 bytes (500 KiB, the most a "
                                        "Swarm config holds)");
  std::remove(path.c_str());
}

}  // namespace
}  // namespace swarmop::crds
