// Golden tests: every tests/unit/crds/broken/NN-description.yaml is loaded on its own (file name as given,
// relative) and the diagnostics must equal NN-description.errors line for line.
// SWARMOP_UPDATE_GOLDENS=1 rewrites the .errors files (review the diff before committing).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "swarmop/crds/load.h"
#include "test_util.h"

namespace swarmop::crds {
namespace {

namespace fs = std::filesystem;

const fs::path kCorpus = fs::path(SWARMOP_CRDS_TEST_DIR) / "broken";

std::vector<std::string> CorpusNames() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(kCorpus)) {
    if (entry.path().extension() == ".yaml") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

class BrokenManifest : public ::testing::TestWithParam<std::string> {};

TEST_P(BrokenManifest, ReportsExactlyTheGoldenErrors) {
  const std::string name = GetParam();
  const std::string yaml_name = name + ".yaml";
  std::string content = testing::ReadText((kCorpus / yaml_name).string());
  LoadResult result = LoadSpecs({{yaml_name, content}});
  std::string actual = FormatDiagnostics(result.errors);
  fs::path golden = kCorpus / (name + ".errors");
  if (std::getenv("SWARMOP_UPDATE_GOLDENS")) std::ofstream(golden) << actual;
  EXPECT_FALSE(result.ok()) << yaml_name << " is in the broken corpus but loads cleanly";
  EXPECT_EQ(actual, testing::ReadText(golden.string())) << "golden: " << golden;
}

INSTANTIATE_TEST_SUITE_P(Corpus, BrokenManifest, ::testing::ValuesIn(CorpusNames()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string id = "m" + info.param;
                           std::replace(id.begin(), id.end(), '-', '_');
                           return id;
                         });

TEST(BrokenCorpus, HasAtLeastThirtyManifestsEachWithAGolden) {
  std::vector<std::string> names = CorpusNames();
  EXPECT_GE(names.size(), 30u);
  for (const std::string& name : names) EXPECT_TRUE(fs::exists(kCorpus / (name + ".errors"))) << name;
}

}  // namespace
}  // namespace swarmop::crds
