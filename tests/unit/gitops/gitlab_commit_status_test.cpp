// Reporting back to GitLab, against a local HTTP endpoint (swarmop's own listener, its POST routes used as a
// recorder) standing in for GitLab: each request checked against GitLab's documented Commits API,
// POST /api/v4/projects/:id/statuses/:sha with PRIVATE-TOKEN, `state` in pending|running|success|failed|
// canceled, optional ref, name, target_url, description (docs.gitlab.com/api/commits, "Set the pipeline
// status of a commit"); GitLab answers 201 Created.
#include "swarmop/reconciler/gitops/gitlab_commit_status.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>

#include "../reconciler/spec_store_fake_configs.h"
#include "fake_git_fetcher.h"
#include "swarmop/reconciler/gitops/git_source.h"
#include "swarmop/reconciler/http/http_server.h"

namespace swarmop::reconciler {
namespace {

using ::testing::HasSubstr;

const std::string kSha = "0123456789abcdef0123456789abcdef01234567";

struct Recorded {
  std::string path;
  HttpPostRequest request;
};

class FakeGitlab {
 public:
  explicit FakeGitlab(const std::vector<std::string>& paths) {
    HttpServerOptions options;
    options.listen = "127.0.0.1:0";
    for (const std::string& path : paths) {
      options.post_routes[path] = [this, path](const HttpPostRequest& request) {
        std::lock_guard<std::mutex> lock(mu_);
        recorded_.push_back({path, request});
        return HttpResponse{201, "application/json", "{\"id\":1}"};
      };
    }
    auto server = StartHttpServer(options, HttpRoutes{});
    EXPECT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
  }
  std::string Url() const { return server_->Address(); }
  std::vector<Recorded> Requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return recorded_;
  }

 private:
  std::mutex mu_;
  std::vector<Recorded> recorded_;
  std::unique_ptr<HttpServer> server_;
};

// The token file of this process, removed when the test program ends (it was left in /tmp, one per run).
struct TemporaryFile {
  std::string path;
  ~TemporaryFile() { std::filesystem::remove(path); }
};

std::string TokenFile() {
  static const TemporaryFile file{std::filesystem::temp_directory_path() /
                                  ("swarmop-gl-token-" + std::to_string(::getpid()))};
  std::ofstream(file.path) << "glpat-abc123\n";
  return file.path;
}

GitlabCommitStatusOptions Options(const std::string& url) {
  GitlabCommitStatusOptions options;
  options.api_url = url;
  options.project = "acme/estate";
  options.token_file = TokenFile();
  options.ref = "main";
  options.target_url = "https://swarmop.example.cm/api/v1/status";
  return options;
}

// What GitLab's API documents for this endpoint.
void ExpectDocumentedRequest(const Recorded& r, const std::string& state) {
  EXPECT_EQ(r.request.Header("private-token"), "glpat-abc123");
  EXPECT_THAT(r.request.Header("content-type"), HasSubstr("application/json"));
  const nlohmann::json body = nlohmann::json::parse(r.request.body);
  EXPECT_EQ(body.at("state"), state);
  const std::set<std::string> documented = {"state",      "ref",         "name",     "context",
                                            "target_url", "description", "coverage", "pipeline_id"};
  for (const auto& [key, value] : body.items()) EXPECT_TRUE(documented.count(key)) << "undocumented: " << key;
  EXPECT_EQ(body.at("ref"), "main");
  EXPECT_EQ(body.at("name"), "swarmop");
  EXPECT_EQ(body.at("target_url"), "https://swarmop.example.cm/api/v1/status");
  EXPECT_LE(body.at("description").get<std::string>().size(), 255u);
}

TEST(GitlabCommitStatus, PostsTheStateToTheProjectsCommitWithThePrivateToken) {
  const std::string path = "/api/v4/projects/acme%2Festate/statuses/" + kSha;
  FakeGitlab gitlab({path});
  auto sink = NewGitlabCommitStatus(Options(gitlab.Url()));
  ASSERT_TRUE(sink.ok()) << sink.status().ToString();
  ASSERT_TRUE((*sink)->Report(kSha, CommitState::kSuccess, "applied").ok());
  auto requests = gitlab.Requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].path, path);
  ExpectDocumentedRequest(requests[0], "success");
}

TEST(GitlabCommitStatus, AnUnreachableGitlabIsAnErrorNotAHang) {
  GitlabCommitStatusOptions options = Options("http://127.0.0.1:1");
  options.timeout = std::chrono::milliseconds(2000);
  auto sink = NewGitlabCommitStatus(options);
  ASSERT_TRUE(sink.ok());
  EXPECT_FALSE((*sink)->Report(kSha, CommitState::kRunning, "x").ok());
}

TEST(GitlabCommitStatus, AMalformedUrlOrMissingTokenFailsAtStart) {
  GitlabCommitStatusOptions options = Options("gitlab.example.cm");
  EXPECT_FALSE(NewGitlabCommitStatus(options).ok());
  options = Options("https://gitlab.example.cm");
  options.token_file = "/nonexistent/token";
  EXPECT_FALSE(NewGitlabCommitStatus(options).ok());
}

TEST(GitlabCommitStatus, GitSyncReportsRunningThenSuccessAndFailedForARefusedRevision) {
  const std::string good(40, 'a'), bad(40, 'b');
  const std::string base = "/api/v4/projects/acme%2Festate/statuses/";
  FakeGitlab gitlab({base + good, base + bad});
  auto sink = NewGitlabCommitStatus(Options(gitlab.Url()));
  ASSERT_TRUE(sink.ok());
  testing::FakeConfigs engine;
  SpecStore store(engine);
  testing::FakeGitFetcher fetcher;
  GitSourceOptions options;
  options.url = "git://x";
  options.ref = "main";
  options.path = "m";
  GitSync sync(store, fetcher, options, SystemClock());
  sync.SetCommitStatus(sink->get());

  fetcher.Set(good, {{"m/site.yaml",
                      "apiVersion: swarmop.io/v1alpha1\nkind: Site\nmetadata: {name: s}\n"
                      "spec: {role: edge, nodeSelector: {site: s}}\n"}});
  ASSERT_TRUE(sync.SyncOnce().ok());
  ASSERT_TRUE(sync.SyncOnce().ok());  // the same revision again: nothing more is reported
  fetcher.Set(bad, {{"m/site.yaml",
                     "apiVersion: swarmop.io/v1alpha1\nkind: Site\nmetadata: {name: s}\n"
                     "spec: {role: edge, nodeSelector: {site: s}, colour: red}\n"}});
  ASSERT_TRUE(sync.SyncOnce().ok());

  auto requests = gitlab.Requests();
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_EQ(requests[0].path, base + good);
  ExpectDocumentedRequest(requests[0], "running");
  ExpectDocumentedRequest(requests[1], "success");
  EXPECT_EQ(requests[2].path, base + bad);
  ExpectDocumentedRequest(requests[2], "running");
  ExpectDocumentedRequest(requests[3], "failed");
  EXPECT_THAT(nlohmann::json::parse(requests[3].request.body).at("description").get<std::string>(),
              HasSubstr("m/site.yaml:"));
}

}  // namespace
}  // namespace swarmop::reconciler
