// The real `swarmop run` listener on the test bed (issue 14): the bearer token over the wire, the refusal
// to serve beyond loopback without one, and no secret value anywhere after a short full run. The run knows
// two secrets: its API token (--auth-token-file) and a Swarm secret a Service mounts. Afterwards the
// operator's and apply's logs, the status document, /metrics, every label, config (data included), service,
// network, node and secret the engine holds, and `swarmop get`/`export` are searched for either value.
// Reads SWARMOP_TEST_DOCKER_HOST and FAILS when it is unset or unreachable.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>

#include "bed_env.h"
#include "eventually.h"
#include "http_client.h"
#include "swarm_objects.h"
#include "swarmop_process.h"

#ifndef SWARMOP_BINARY
#error "SWARMOP_BINARY must name the swarmop executable"
#endif

namespace swarmop::it {
namespace {

using namespace testsupport;  // tests/support
using std::chrono::milliseconds;

std::string RandomHex(size_t n) {
  std::random_device device;
  std::string out;
  for (size_t i = 0; i < n; ++i) out += "0123456789abcdef"[device() % 16];
  return out;
}

constexpr char kSecretName[] = "apisec-db-password";

std::string Manifest() {
  return "apiVersion: swarmop.io/v1alpha1\nkind: Site\nmetadata:\n  name: sec\n"
         "spec:\n  role: edge\n  nodeSelector: {swarmop-sec: sec}\n"
         "---\napiVersion: swarmop.io/v1alpha1\nkind: Service\nmetadata:\n  name: vault-user\n"
         "spec:\n  image: local/busybox:1\n  command: [sh, -c, \"trap 'exit 0' TERM; sleep 3600 & wait\"]\n"
         "  sites:\n    sec: {replicas: 1}\n  secrets: [" +
         std::string(kSecretName) +
         "]\n  configs:\n    - {name: conf, target: /etc/app.conf, content: \"x=1\"}\n";
}

class ApiSecurity : public ::testing::Test {
 protected:
  void SetUp() override {
    auto connected = ConnectTestBed(&host_);
    ASSERT_TRUE(connected.ok()) << connected.status().ToString();
    engine_ = std::move(connected).value();
    ASSERT_TRUE(LabelFirstNode(*engine_, "swarmop-sec", "sec").ok());
    char dir[] = "/tmp/swarmop-apisec-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
    token_ = "apisec-token-" + RandomHex(24);
    secret_value_ = "apisec-secret-" + RandomHex(24);
    WriteFile(dir_ + "/token", token_ + "\n");
    WriteFile(dir_ + "/estate.yaml", Manifest());
    docker_ = "DOCKER_HOST=" + host_ + " docker";
    setenv("GLOG_v", "3", 1);  // every VLOG of the processes below: the more they log, the more is searched
    Capture(docker_ + " secret rm " + kSecretName);
    Capture("printf %s '" + secret_value_ + "' | " + docker_ + " secret create " + kSecretName + " -");
  }

  void TearDown() override {
    if (run_) run_->Stop(SIGKILL);
    if (engine_) RemoveEverythingOwned(*engine_);
    Capture(docker_ + " secret rm " + kSecretName);
    if (!HasFailure() && !std::getenv("SWARMOP_KEEP_LOGS"))
      Capture("rm -rf " + dir_);
    else
      std::printf("logs kept in %s\n", dir_.c_str());
  }

  // Everything the engine holds about services, configs (data decoded), secrets, networks and nodes.
  std::string EngineState() {
    std::string all;
    for (const char* kind : {"service", "config", "secret", "network", "node"}) {
      std::string ids = Capture(docker_ + " " + kind + " ls -q");
      if (ids.empty()) continue;
      std::string list;
      for (char c : ids) list += c == '\n' ? ' ' : c;
      all += Capture(docker_ + " " + kind + " inspect " + list);
      if (std::string(kind) == "config") all += Capture(docker_ + " config inspect --pretty " + list);
    }
    return all;
  }

  std::string host_, docker_, dir_, token_, secret_value_;
  std::unique_ptr<engine::Engine> engine_;
  std::unique_ptr<SwarmopProcess> run_;
};

TEST_F(ApiSecurity, TheTokenGuardsTheApiAndNoSecretValueLeaksAnywhereAfterAFullRun) {
  ASSERT_EQ(RunSwarmop(SWARMOP_BINARY, {"-v", "apply", "-f", dir_ + "/estate.yaml"}, host_,
                       dir_ + "/apply.log", milliseconds(60000)),
            0)
      << ReadFile(dir_ + "/apply.log");
  uint16_t port = FreeLocalPort();
  run_ = SwarmopProcess::Start(SWARMOP_BINARY,
                               {"-v", "run", "--listen", "127.0.0.1:" + std::to_string(port),
                                "--auth-token-file", dir_ + "/token", "--resync", "1s"},
                               host_, dir_ + "/run.log");
  ASSERT_TRUE(run_);
  const std::string bearer = "Authorization: Bearer " + token_ + "\r\n";
  Eventually([&] { return HttpGet(port, "/readyz").status == 200; }, std::chrono::seconds(60),
             milliseconds(100));
  ASSERT_EQ(HttpGet(port, "/readyz").status, 200) << ReadFile(dir_ + "/run.log");
  std::this_thread::sleep_for(milliseconds(3000));  // a few resyncs: status labels written, tasks started

  EXPECT_EQ(HttpGet(port, "/healthz").status, 200);
  auto anonymous = HttpGet(port, "/api/v1/status");
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_NE(anonymous.headers.find("WWW-Authenticate: Bearer realm=\"swarmop\""), std::string::npos);
  EXPECT_EQ(HttpGet(port, "/api/v1/status", "Authorization: Bearer " + token_ + "x\r\n").status, 401);
  EXPECT_EQ(HttpGet(port, "/metrics").status, 401);
  auto status = HttpGet(port, "/api/v1/status", bearer);
  ASSERT_EQ(status.status, 200);
  EXPECT_NE(status.body.find("vault-user"), std::string::npos) << status.body;
  auto metrics = HttpGet(port, "/metrics", bearer);
  EXPECT_EQ(metrics.status, 200);
  EXPECT_EQ(HttpSend(port, "GET /healthz HTTP/1.1\r\nX-Pad: " + std::string(20000, 'p') + "\r\n\r\n").status,
            431);

  // 50 clients that connect and send nothing, or half a request: /healthz still answers at once.
  std::vector<int> stuck;
  for (int i = 0; i < 50; ++i) {
    int fd = ConnectLoopback(port);
    ASSERT_GE(fd, 0);
    if (i % 2) (void)send(fd, "GET /api/v1/status HTTP/1.1\r\nHost: x\r\n", 39, MSG_NOSIGNAL);
    stuck.push_back(fd);
  }
  double worst_ms = 0;
  for (int i = 0; i < 20; ++i) {
    auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(HttpGet(port, "/healthz").status, 200);
    worst_ms =
        std::max(worst_ms,
                 std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  for (int fd : stuck) close(fd);
  std::printf("swarmop run: /healthz with 50 stuck connections open: slowest of 20 answers %.1f ms\n",
              worst_ms);
  EXPECT_LT(worst_ms, 2000.0);  // blocked would mean the 10 s request deadline or the client's 5 s timeout
  EXPECT_EQ(run_->Stop(SIGTERM), 0);

  // Beyond loopback without a token: refused at start, with the way out named.
  int refused = RunSwarmop(SWARMOP_BINARY, {"run", "--listen", "0.0.0.0:" + std::to_string(FreeLocalPort())},
                           host_, dir_ + "/refused.log", milliseconds(20000));
  EXPECT_NE(refused, 0);
  EXPECT_NE(ReadFile(dir_ + "/refused.log").find("--auth-token-file"), std::string::npos);

  std::string state = EngineState();
  ASSERT_NE(state.find(std::string("\"SecretName\": \"") + kSecretName + "\""), std::string::npos)
      << "the service mounts the secret (else this test proves nothing)";
  std::string get_json = Capture("DOCKER_HOST=" + host_ + " " + SWARMOP_BINARY + " get -o json");
  std::string exported = Capture("DOCKER_HOST=" + host_ + " " + SWARMOP_BINARY + " export");
  EXPECT_NE(get_json.find("vault-user"), std::string::npos);
  const std::vector<std::pair<std::string, std::string>> places = {
      {"swarmop run's log", ReadFile(dir_ + "/run.log")},
      {"swarmop apply's log", ReadFile(dir_ + "/apply.log")},
      {"the refused run's log", ReadFile(dir_ + "/refused.log")},
      {"/api/v1/status", status.body},
      {"/metrics", metrics.body},
      {"the engine's services, configs, secrets, networks and nodes", state},
      {"swarmop get -o json", get_json},
      {"swarmop export", exported},
  };
  for (const auto& [where, text] : places) {
    EXPECT_FALSE(text.empty()) << where << " is empty: nothing was searched";
    EXPECT_EQ(text.find(token_), std::string::npos) << "the API token appears in " << where;
    EXPECT_EQ(text.find(secret_value_), std::string::npos) << "the secret's value appears in " << where;
  }
  std::printf(
      "searched %zu places (%zu bytes of logs, %zu of engine state) for the token and the secret value\n",
      places.size(), ReadFile(dir_ + "/run.log").size(), state.size());
}

}  // namespace
}  // namespace swarmop::it
