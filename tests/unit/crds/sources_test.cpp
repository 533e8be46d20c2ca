#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "swarmop/crds/load.h"

namespace swarmop::crds {
namespace {

namespace fs = std::filesystem;

TEST(Sources, SwarmopManifestsAreRecognisedCheaply) {
  EXPECT_TRUE(LooksLikeSwarmopSpec("apiVersion: swarmop.io/v1alpha1\nkind: Site\n"));
  EXPECT_TRUE(LooksLikeSwarmopSpec("# comment\nkind: Site\napiVersion: \"swarmop.io/v1alpha1\"\n"));
  EXPECT_FALSE(LooksLikeSwarmopSpec("apiVersion: apps/v1\nkind: Deployment\n"));
  EXPECT_FALSE(LooksLikeSwarmopSpec("server { listen 80; }"));
  EXPECT_FALSE(LooksLikeSwarmopSpec("  apiVersion: swarmop.io/v1alpha1\n"));  // nested, not a manifest
}

TEST(Sources, ConfigSourcesAreNamedAfterTheConfig) {
  SourceFile f = ConfigSource("web-spec", "x");
  EXPECT_EQ(f.path, "config:web-spec");
  LoadResult r = LoadSpecs({ConfigSource("web-spec", "apiVersion: swarmop.io/v1alpha1\nkind: Site\n")});
  ASSERT_FALSE(r.errors.empty());
  EXPECT_EQ(r.errors[0].file, "config:web-spec");
}

TEST(Sources, DirectoriesAreReadRecursivelyInPathOrderKeepingRelativePaths) {
  fs::path dir = fs::temp_directory_path() / ("swarmop-sources-" + std::to_string(::getpid()));
  fs::create_directories(dir / "sub");
  std::ofstream(dir / "b.yaml") << "b";
  std::ofstream(dir / "sub" / "a.yml") << "a";
  std::ofstream(dir / "notes.txt") << "ignored";
  StatusOr<std::vector<SourceFile>> files = ReadSources({dir.string()});
  ASSERT_TRUE(files.ok());
  ASSERT_EQ(files->size(), 2u);
  EXPECT_EQ((*files)[0].path, (dir / "b.yaml").string());
  EXPECT_EQ((*files)[1].content, "a");
  fs::remove_all(dir);
}

TEST(Sources, AMissingPathIsAnError) { EXPECT_FALSE(ReadSources({"/nonexistent/swarmop.yaml"}).ok()); }

}  // namespace
}  // namespace swarmop::crds

namespace swarmop::crds {
namespace {

// Large sets are parsed on several threads; results must not depend on that.
TEST(ParallelParsing, ManyFilesKeepFileOrderAndReportEveryError) {
  std::vector<SourceFile> files;
  for (int i = 0; i < 300; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "f%03d.yaml", i);
    std::string body = "apiVersion: swarmop.io/v1alpha1\nkind: Site\nmetadata: {name: s" + std::to_string(i) +
                       "}\nspec: {role: edge, nodeSelector: {site: s" + std::to_string(i) + "}}\n";
    if (i % 7 == 0)
      body += "---\napiVersion: swarmop.io/v1alpha1\nkind: Site\nmetadata: {name: bad}\nspec: {}\n";
    files.push_back({name, body});
  }
  LoadResult result = ParseSpecs(files);
  ASSERT_EQ(result.state.sites.size(), 300u);
  for (int i = 0; i < 300; ++i) EXPECT_EQ(result.state.sites[i].name(), "s" + std::to_string(i));
  ASSERT_EQ(result.errors.size(), 43u);
  EXPECT_EQ(result.errors.front().file, "f000.yaml");
  EXPECT_EQ(result.errors.back().file, "f294.yaml");
}

TEST(ParallelParsing, ConcurrentCallersGetIdenticalResults) {
  auto files = *ReadSources({std::string(SWARMOP_SOURCE_DIR) + "/manifests/reference"});
  std::string expected;
  for (const Service& s : LoadSpecs(files).state.services) expected += s.hash;
  std::vector<std::string> got(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (const Service& s : LoadSpecs(files).state.services) got[t] += s.hash;
    });
  }
  for (auto& th : threads) th.join();
  for (const std::string& g : got) EXPECT_EQ(g, expected);
}

}  // namespace
}  // namespace swarmop::crds

namespace swarmop::crds {
namespace {

const char* kSite =
    "apiVersion: swarmop.io/v1alpha1\nkind: Site\nmetadata: {name: cloud}\n"
    "spec: {role: cloud, nodeSelector: {site: cloud}}\n";

TEST(ConfigSpecs, OneManifestInAConfigLoads) {
  LoadResult r = ParseConfigSpec("site-cloud", kSite);
  EXPECT_TRUE(r.ok()) << FormatDiagnostics(r.errors);
  ASSERT_EQ(r.state.sites.size(), 1u);
  EXPECT_EQ(r.state.sites[0].source_file, "config:site-cloud");
}

TEST(ConfigSpecs, TwoManifestsInOneConfigAreRejected) {
  LoadResult r = ParseConfigSpec("two", std::string(kSite) + "---\n" + kSite);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].ToString(), "config:two:6:1: a swarmop config holds exactly one manifest, found 2");
}

TEST(ConfigSpecs, ErrorsNameTheConfig) {
  LoadResult r = ParseConfigSpec(
      "web", "apiVersion: swarmop.io/v1alpha1\nkind: Site\nmetadata: {name: web}\nspec: {role: fog}\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.errors[0].ToString(), "config:web:4:8: Site/web: spec.role: \"fog\" is not one of edge, cloud");
}

}  // namespace
}  // namespace swarmop::crds
