// The libgit2 fetcher against a repository on disk made by the git CLI: it reads the tree of the fetched
// commit (not a work tree), only under the path, only *.yaml/*.yml, and names the commit.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "swarmop/reconciler/gitops/git_source.h"

namespace swarmop::reconciler {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

std::string Sh(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  int rc = ::pclose(pipe);
  EXPECT_EQ(WEXITSTATUS(rc), 0) << command << "\n" << out;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

class Libgit2Fetcher : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("swarmop-git-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "work");
    Git("init -q -b main");
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Git(const std::string& args) {
    return Sh("git -C " + (dir_ / "work").string() +
              " -c user.name=t -c user.email=t@example.org -c commit.gpgsign=false " + args);
  }
  void Write(const std::string& path, const std::string& text) {
    fs::create_directories((dir_ / "work" / path).parent_path());
    std::ofstream(dir_ / "work" / path) << text;
  }
  std::string Commit() {
    Git("add -A");
    Git("commit -q -m c");
    return Git("rev-parse HEAD");
  }
  std::unique_ptr<GitFetcher> Fetcher(const std::string& path, const std::string& ref = "main") {
    GitSourceOptions options;
    options.url = (dir_ / "work").string();
    options.ref = ref;
    options.path = path;
    options.cache_dir = (dir_ / "cache").string();
    auto fetcher = NewLibgit2Fetcher(options);
    EXPECT_TRUE(fetcher.ok()) << fetcher.status().ToString();
    return std::move(fetcher).value();
  }
  fs::path dir_;
};

TEST_F(Libgit2Fetcher, ReadsTheManifestsUnderThePathOfTheFetchedCommit) {
  Write("manifests/web.yaml", "a: 1\n");
  Write("manifests/sub/db.yml", "b: 2\n");
  Write("manifests/README.md", "no\n");
  Write("other/x.yaml", "c: 3\n");
  const std::string commit = Commit();
  auto fetched = Fetcher("manifests/")->Fetch();
  ASSERT_TRUE(fetched.ok()) << fetched.status().ToString();
  EXPECT_EQ(fetched->commit, commit);
  ASSERT_EQ(fetched->files.size(), 2u);
  EXPECT_EQ(fetched->files[0].path, "manifests/sub/db.yml");
  EXPECT_EQ(fetched->files[1].path, "manifests/web.yaml");
  EXPECT_EQ(fetched->files[1].content, "a: 1\n");
}

TEST_F(Libgit2Fetcher, UncommittedChangesAreNotRead) {
  Write("manifests/web.yaml", "a: 1\n");
  Commit();
  Write("manifests/web.yaml", "a: 2\n");
  Write("manifests/new.yaml", "n: 1\n");
  auto fetched = Fetcher("manifests")->Fetch();
  ASSERT_TRUE(fetched.ok());
  ASSERT_EQ(fetched->files.size(), 1u);
  EXPECT_EQ(fetched->files[0].content, "a: 1\n");
}

TEST_F(Libgit2Fetcher, ASecondFetchSeesTheNewCommitAndARemovedFileIsGone) {
  Write("manifests/a.yaml", "a: 1\n");
  Write("manifests/b.yaml", "b: 1\n");
  Commit();
  auto fetcher = Fetcher("manifests");
  ASSERT_TRUE(fetcher->Fetch().ok());
  Git("rm -q manifests/b.yaml");
  const std::string second = Commit();
  auto fetched = fetcher->Fetch();
  ASSERT_TRUE(fetched.ok());
  EXPECT_EQ(fetched->commit, second);
  ASSERT_EQ(fetched->files.size(), 1u);
  EXPECT_EQ(fetched->files[0].path, "manifests/a.yaml");
}

TEST_F(Libgit2Fetcher, AnUnknownBranchOrPathIsAnError) {
  Write("manifests/a.yaml", "a: 1\n");
  Commit();
  EXPECT_FALSE(Fetcher("manifests", "nope")->Fetch().ok());
  auto missing = Fetcher("elsewhere")->Fetch();
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.status().message(), HasSubstr("no directory elsewhere"));
}

TEST_F(Libgit2Fetcher, AnUnreachableServerIsUnavailable) {
  GitSourceOptions options;
  options.url = "git://127.0.0.1:1/nothing.git";
  options.cache_dir = (dir_ / "cache2").string();
  auto fetcher = NewLibgit2Fetcher(options);
  ASSERT_TRUE(fetcher.ok());
  auto fetched = (*fetcher)->Fetch();
  ASSERT_FALSE(fetched.ok());
  EXPECT_EQ(fetched.status().code(), Code::kUnavailable);
}

TEST_F(Libgit2Fetcher, AnSshKeyWithoutKnownHostsIsRefusedAtStart) {
  std::ofstream(dir_ / "key") << "x";
  GitSourceOptions options;
  options.url = "ssh://git@127.0.0.1/x.git";
  options.cache_dir = (dir_ / "cache3").string();
  options.credentials.ssh_key_file = (dir_ / "key").string();
  auto fetcher = NewLibgit2Fetcher(options);
  ASSERT_FALSE(fetcher.ok());
  EXPECT_THAT(fetcher.status().message(), HasSubstr("known-hosts"));
}

}  // namespace
}  // namespace swarmop::reconciler
