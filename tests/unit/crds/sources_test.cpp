#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

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
