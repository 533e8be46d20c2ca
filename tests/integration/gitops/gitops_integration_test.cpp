// Pull mode end to end: `swarmop run --git-url git://127.0.0.1:P/repo.git ...` as a process against the test
// bed's swarm, and a real git server on loopback (`git daemon` serving a bare repository, pushes enabled).
// The test commits and pushes with the git CLI, posts GitLab-shaped webhooks, and reads the swarm.
// Reads SWARMOP_TEST_DOCKER_HOST and FAILS when it is unset or the engine is unreachable.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <thread>

#include "bed_env.h"
#include "eventually.h"
#include "http_client.h"
#include "swarm_objects.h"
#include "swarmop/engine/endpoint.h"
#include "swarmop/engine/engine.h"
#include "swarmop/reconciler/core/labels.h"
#include "swarmop_process.h"

#ifndef SWARMOP_BINARY
#error "SWARMOP_BINARY must name the swarmop executable"
#endif

namespace swarmop::reconciler {
namespace {

using testsupport::ListOrEmpty;
namespace fs = std::filesystem;
using std::chrono::milliseconds;
using Steady = std::chrono::steady_clock;
using ::testing::HasSubstr;
using testsupport::FreeLocalPort;
using testsupport::HttpGet;
using testsupport::HttpSend;

constexpr char kWebhookToken[] = "gitlab-hook-secret-1";

std::string Sh(const std::string& command, int* rc_out = nullptr) {
  std::string out;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  const int rc = ::pclose(pipe);
  const int code = WIFEXITED(rc) ? WEXITSTATUS(rc) : 128;
  if (rc_out) {
    *rc_out = code;
  } else {
    EXPECT_EQ(code, 0) << command << "\n" << out;
  }
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

bool Listens(uint16_t port) {
  const int fd = testsupport::ConnectLoopback(port);
  if (fd >= 0) ::close(fd);
  return fd >= 0;
}

// Polls every 20 ms (tests/support/eventually.h).
bool Eventually(const std::function<bool()>& condition, milliseconds limit) {
  return testsupport::Eventually(condition, limit, milliseconds(20));
}

std::string SiteYaml() {
  return "apiVersion: swarmop.io/v1alpha1\nkind: Site\nmetadata: {name: gitsite}\n"
         "spec: {role: edge, nodeSelector: {swarmop-git: git}}\n";
}

std::string ServiceYaml(const std::string& name, int replicas) {
  return "apiVersion: swarmop.io/v1alpha1\nkind: Service\nmetadata: {name: " + name +
         "}\nspec:\n  image: local/busybox:1\n  command: [sh, -c, \"trap 'exit 0' TERM; sleep 3600 & "
         "wait\"]\n"
         "  sites:\n    gitsite: {replicas: " +
         std::to_string(replicas) + "}\n";
}

class GitOps : public ::testing::Test {
 protected:
  void SetUp() override {
    auto connected = testsupport::ConnectTestBed(&host_);
    ASSERT_TRUE(connected.ok()) << connected.status().ToString();
    engine_ = std::move(connected).value();
    ASSERT_TRUE(testsupport::LabelFirstNode(*engine_, "swarmop-git", "git").ok());
    dir_ = fs::temp_directory_path() / ("swarmop-gitops-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::ofstream(dir_ / "hook-token") << kWebhookToken << "\n";
    Sh("git init -q --bare -b main " + (dir_ / "repo.git").string());
    StartGitDaemon();
    Sh("git init -q -b main " + Work());
    Git("remote add origin " + Url());
  }

  void TearDown() override {
    StopSwarmop();
    StopGitDaemon();
    Cleanup();
    fs::remove_all(dir_);
  }

  void Cleanup() {
    if (!engine_) return;
    for (const auto& config : ListOrEmpty(engine_->ListConfigs({}))) {
      if (config.spec.name.rfind("gitops-hand-", 0) == 0) (void)engine_->RemoveConfig(config.id);
    }
    auto owned = engine::ListFilter::Labels({{labels::kManagedBy, labels::kManagerName}});
    for (const auto& service : ListOrEmpty(engine_->ListServices(owned)))
      (void)engine_->RemoveService(service.id);
    Eventually(
        [&] {
          bool gone = true;
          for (const auto& network : ListOrEmpty(engine_->ListNetworks(owned)))
            gone &= engine_->RemoveNetwork(network.id).ok();
          return gone;
        },
        milliseconds(30000));
    for (const auto& config : ListOrEmpty(engine_->ListConfigs(owned)))
      (void)engine_->RemoveConfig(config.id);
  }

  std::string Work() const { return (dir_ / "work").string(); }
  std::string Url() const { return "git://127.0.0.1:" + std::to_string(git_port_) + "/repo.git"; }
  std::string Git(const std::string& args) {
    return Sh("git -C " + Work() + " -c user.name=t -c user.email=t@example.org -c commit.gpgsign=false " +
              args);
  }
  void Write(const std::string& path, const std::string& text) {
    fs::create_directories((dir_ / "work" / path).parent_path());
    std::ofstream(dir_ / "work" / path) << text;
  }
  // Commits everything and pushes to main; returns the commit.
  std::string CommitAndPush(const std::string& message) {
    Git("add -A");
    Git("commit -q --allow-empty -m '" + message + "'");
    Git("push -q origin main");
    return Git("rev-parse HEAD");
  }

  void StartGitDaemon() {
    git_port_ = FreeLocalPort();
    git_pid_ = fork();
    ASSERT_GE(git_pid_, 0);
    if (git_pid_ == 0) {
      // Its log (each probe below ends a connection early, which it reports) goes beside the test's files.
      FILE* log = freopen((dir_ / "git-daemon.log").c_str(), "a", stderr);
      (void)log;
      const std::string base = "--base-path=" + dir_.string();
      const std::string port = "--port=" + std::to_string(git_port_);
      execlp("git", "git", "daemon", "--reuseaddr", "--export-all", "--enable=receive-pack",
             "--listen=127.0.0.1", port.c_str(), base.c_str(), dir_.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    ASSERT_TRUE(Eventually([&] { return Listens(git_port_); }, milliseconds(10000)))
        << "git daemon did not listen";
  }
  void StopGitDaemon() {
    if (git_pid_ <= 0) return;
    kill(git_pid_, SIGTERM);
    waitpid(git_pid_, nullptr, 0);
    git_pid_ = -1;
  }
  void RestartGitDaemonOnSamePort() {
    git_pid_ = fork();
    if (git_pid_ == 0) {
      // Its log (each probe below ends a connection early, which it reports) goes beside the test's files.
      FILE* log = freopen((dir_ / "git-daemon.log").c_str(), "a", stderr);
      (void)log;
      const std::string base = "--base-path=" + dir_.string();
      const std::string port = "--port=" + std::to_string(git_port_);
      execlp("git", "git", "daemon", "--reuseaddr", "--export-all", "--enable=receive-pack",
             "--listen=127.0.0.1", port.c_str(), base.c_str(), dir_.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
  }

  void StartSwarmop(const std::string& interval) {
    http_port_ = FreeLocalPort();
    const std::string listen = "127.0.0.1:" + std::to_string(http_port_);
    const std::string log = (dir_ / "swarmop.log").string();
    const std::string cache = (dir_ / "cache").string();
    const std::string token = (dir_ / "hook-token").string();
    const std::string url = Url();
    swarmop_ = testsupport::SwarmopProcess::Start(
        SWARMOP_BINARY,
        {"run", "--listen", listen, "--resync", "5s", "--git-url", url, "--git-ref", "main", "--git-path",
         "manifests/", "--git-interval", interval, "--git-cache-dir", cache, "--gitlab-webhook-token-file",
         token},
        host_, log);
    ASSERT_TRUE(swarmop_);
    ASSERT_TRUE(
        Eventually([&] { return HttpGet(http_port_, "/healthz").status == 200; }, milliseconds(15000)))
        << Log();
  }
  void StopSwarmop() {
    if (swarmop_) swarmop_->Stop(SIGTERM);
    swarmop_.reset();
  }
  std::string Log() { return Sh("tail -n 40 " + (dir_ / "swarmop.log").string() + " || true"); }

  nlohmann::json GitStatus() {
    auto reply = HttpGet(http_port_, "/api/v1/status");
    if (reply.status != 200) return nlohmann::json::object();
    auto doc = nlohmann::json::parse(reply.body, nullptr, false);
    if (doc.is_discarded() || !doc.contains("git")) return nlohmann::json::object();
    return doc["git"];
  }

  int Webhook(const std::string& token, const std::string& ref = "refs/heads/main",
              const std::string& event = "Push Hook") {
    const std::string body =
        R"({"object_kind":"push","event_name":"push","ref":")" + ref + R"(","commits":[]})";
    std::string raw =
        "POST /hooks/gitlab HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        "Content-Type: application/json\r\nX-Gitlab-Event: " +
        event + "\r\nX-Gitlab-Token: " + token + "\r\nContent-Length: " + std::to_string(body.size()) +
        "\r\n\r\n" + body;
    return HttpSend(http_port_, raw).status;
  }

  // The swarm service of `name` at gitsite (nullopt when absent).
  std::optional<engine::Service> SwarmService(const std::string& name) {
    for (auto& s : ListOrEmpty(engine_->ListServices({})))
      if (s.spec.name == name + "-gitsite") return s;
    return std::nullopt;
  }
  bool HasReplicas(const std::string& name, uint64_t replicas) {
    auto s = SwarmService(name);
    return s && s->spec.mode.replicas == replicas;
  }
  bool SpecConfigExists(const std::string& name) {
    for (auto& c : ListOrEmpty(engine_->ListConfigs({}))) {
      auto it = c.spec.labels.find(labels::kName);
      if (it != c.spec.labels.end() && it->second == name) return true;
    }
    return false;
  }

  std::string host_;
  std::unique_ptr<engine::Engine> engine_;
  fs::path dir_;
  uint16_t git_port_ = 0, http_port_ = 0;
  pid_t git_pid_ = -1;
  std::unique_ptr<testsupport::SwarmopProcess> swarmop_;
};

TEST_F(GitOps, ANewCommitConvergesWithinOneIntervalAndRecordsItsRevision) {
  Write("manifests/site.yaml", SiteYaml());
  Write("manifests/web.yaml", ServiceYaml("gw-web", 1));
  const std::string first = CommitAndPush("first");
  StartSwarmop("4s");
  ASSERT_TRUE(Eventually([&] { return HasReplicas("gw-web", 1); }, milliseconds(20000))) << Log();

  Write("manifests/web.yaml", ServiceYaml("gw-web", 2));
  const std::string second = CommitAndPush("two replicas");
  const auto pushed = Steady::now();
  ASSERT_TRUE(Eventually([&] { return HasReplicas("gw-web", 2); }, milliseconds(4000 + 2000))) << Log();
  const auto took = std::chrono::duration_cast<milliseconds>(Steady::now() - pushed).count();
  std::cout << "interval 4s: converged " << took << " ms after the push\n";
  ASSERT_TRUE(
      Eventually([&] { return GitStatus().value("appliedRevision", "") == second; }, milliseconds(5000)));

  // The revision is on the specs (label), in the status, and in `swarmop get`.
  const std::string get = Sh("DOCKER_HOST=" + host_ + " " + SWARMOP_BINARY + " get services");
  EXPECT_THAT(get, HasSubstr("REVISION"));
  EXPECT_THAT(get, HasSubstr(second.substr(0, 12)));
  (void)first;
}

TEST_F(GitOps, AWebhookPushConvergesInUnderTwoSeconds) {
  Write("manifests/site.yaml", SiteYaml());
  Write("manifests/web.yaml", ServiceYaml("gw-hook", 1));
  CommitAndPush("first");
  StartSwarmop("10m");  // only the first fetch and the webhooks fetch
  ASSERT_TRUE(Eventually([&] { return HasReplicas("gw-hook", 1); }, milliseconds(20000))) << Log();
  std::vector<long> times;
  for (int i = 0; i < 10; ++i) {
    const int replicas = i % 2 == 0 ? 2 : 1;
    Write("manifests/web.yaml", ServiceYaml("gw-hook", replicas));
    CommitAndPush("replicas " + std::to_string(replicas));
    const auto posted = Steady::now();
    ASSERT_EQ(Webhook(kWebhookToken), 202);
    ASSERT_TRUE(Eventually([&] { return HasReplicas("gw-hook", replicas); }, milliseconds(10000))) << Log();
    times.push_back(std::chrono::duration_cast<milliseconds>(Steady::now() - posted).count());
  }
  std::sort(times.begin(), times.end());
  const long p50 = (times[4] + times[5]) / 2;
  std::cout << "webhook push -> swarm service updated: p50 " << p50 << " ms, min " << times.front()
            << " ms, max " << times.back() << " ms over 10\n";
  EXPECT_LT(p50, 2000);
}

TEST_F(GitOps, ABrokenCommitIsRefusedTheSwarmKeepsTheLastGoodRevisionAndStatusNamesTheCommit) {
  Write("manifests/site.yaml", SiteYaml());
  Write("manifests/web.yaml", ServiceYaml("gw-bad", 1));
  const std::string good = CommitAndPush("good");
  StartSwarmop("10m");
  ASSERT_TRUE(Eventually([&] { return HasReplicas("gw-bad", 1); }, milliseconds(20000))) << Log();

  Write("manifests/web.yaml", ServiceYaml("gw-bad", 3) + "  replica: 3\n");  // unknown field
  const std::string broken = CommitAndPush("broken");
  ASSERT_EQ(Webhook(kWebhookToken), 202);
  ASSERT_TRUE(
      Eventually([&] { return GitStatus().value("failedRevision", "") == broken; }, milliseconds(10000)))
      << GitStatus().dump();
  const nlohmann::json status = GitStatus();
  EXPECT_EQ(status.value("appliedRevision", ""), good);
  EXPECT_THAT(status.value("failedErrors", ""), HasSubstr("manifests/web.yaml:"));
  std::this_thread::sleep_for(milliseconds(1500));
  EXPECT_TRUE(HasReplicas("gw-bad", 1)) << "the swarm keeps the last good revision";
}

TEST_F(GitOps, AFileRemovedInGitPrunesItsSpecAndObjectsAndLeavesAHandMadeSpecAlone) {
  engine::ConfigSpec hand;
  hand.name = "gitops-hand-spec";
  hand.data = ServiceYaml("gw-hand", 1);
  ASSERT_TRUE(engine_->CreateConfig(hand).ok());
  Write("manifests/site.yaml", SiteYaml());
  Write("manifests/web.yaml", ServiceYaml("gw-keep", 1));
  Write("manifests/old.yaml", ServiceYaml("gw-old", 1));
  CommitAndPush("three");
  StartSwarmop("10m");
  ASSERT_TRUE(
      Eventually([&] { return SwarmService("gw-old") && SwarmService("gw-hand") && SwarmService("gw-keep"); },
                 milliseconds(30000)))
      << Log();

  Git("rm -q manifests/old.yaml");
  CommitAndPush("drop old");
  ASSERT_EQ(Webhook(kWebhookToken), 202);
  ASSERT_TRUE(
      Eventually([&] { return !SwarmService("gw-old") && !SpecConfigExists("gw-old"); }, milliseconds(15000)))
      << Log();
  EXPECT_TRUE(SwarmService("gw-hand").has_value());
  EXPECT_TRUE(SwarmService("gw-keep").has_value());
  bool hand_config = false;
  for (auto& c : ListOrEmpty(engine_->ListConfigs({}))) hand_config |= c.spec.name == "gitops-hand-spec";
  EXPECT_TRUE(hand_config);
}

TEST_F(GitOps, AWrongWebhookTokenIs401AndFetchesNothing) {
  Write("manifests/site.yaml", SiteYaml());
  CommitAndPush("first");
  StartSwarmop("10m");
  ASSERT_TRUE(Eventually([&] { return GitStatus().value("fetches", 0) >= 1; }, milliseconds(15000))) << Log();
  std::this_thread::sleep_for(milliseconds(300));
  const int before = GitStatus().value("fetches", 0);
  EXPECT_EQ(Webhook("not-the-token"), 401);
  EXPECT_EQ(Webhook(""), 401);
  EXPECT_EQ(Webhook(kWebhookToken, "refs/heads/other"), 200);
  EXPECT_EQ(Webhook(kWebhookToken, "refs/tags/v1", "Tag Push Hook"), 200);
  std::this_thread::sleep_for(milliseconds(1500));
  EXPECT_EQ(GitStatus().value("fetches", 0), before);
  EXPECT_EQ(HttpGet(http_port_, "/healthz").status, 200);
}

TEST_F(GitOps, AFailingFetchBacksOffRemovesNothingAndRecovers) {
  Write("manifests/site.yaml", SiteYaml());
  Write("manifests/web.yaml", ServiceYaml("gw-down", 1));
  const std::string first = CommitAndPush("first");
  StartSwarmop("20s");
  ASSERT_TRUE(Eventually([&] { return HasReplicas("gw-down", 1); }, milliseconds(20000))) << Log();

  StopGitDaemon();
  ASSERT_EQ(Webhook(kWebhookToken), 202);  // a fetch now, which fails
  ASSERT_TRUE(
      Eventually([&] { return GitStatus().value("consecutiveFetchFailures", 0) >= 3; }, milliseconds(20000)))
      << GitStatus().dump();
  // Backoff 2 s, 4 s, 8 s...: after the third failure, no fourth within 3 s.
  const int failures = GitStatus().value("consecutiveFetchFailures", 0);
  std::this_thread::sleep_for(milliseconds(3000));
  EXPECT_LE(GitStatus().value("consecutiveFetchFailures", 0), failures + 1);
  EXPECT_FALSE(GitStatus().value("fetchError", "").empty());
  EXPECT_EQ(GitStatus().value("appliedRevision", ""), first);
  EXPECT_TRUE(SwarmService("gw-down").has_value());
  EXPECT_TRUE(SpecConfigExists("gw-down"));

  RestartGitDaemonOnSamePort();
  ASSERT_TRUE(Eventually([&] { return Listens(git_port_); }, milliseconds(10000)));
  ASSERT_EQ(Webhook(kWebhookToken), 202);
  EXPECT_TRUE(
      Eventually([&] { return GitStatus().value("consecutiveFetchFailures", -1) == 0; }, milliseconds(10000)))
      << GitStatus().dump();
}

}  // namespace
}  // namespace swarmop::reconciler
