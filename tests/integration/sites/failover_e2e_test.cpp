// The real `swarmop run` binary end to end on a private 3-node stretched bed (cloud manager, douala and
// yaounde workers; tests/testbed/testbed.sh), started here and always torn down. FAILS, never skips, when
// the bed cannot start. Needs root (the bed).
//   - Failover: one operator with short timings (grace 5 s, hold-down 3 s, site check every 1 s). A takeover
//     Service runs 2 replicas at douala and 1 at yaounde (a stay Service 1 and 1); every task runs on a node
//     of its site. `partition douala`: the time until yaounde's service asks for 3 replicas and runs them on
//     the yaounde node; `heal douala`: the time until douala runs its 2 again and yaounde is back to 1.
//     yaounde's replicas, sampled every 200 ms, change exactly once up and once down per trial; the failover
//     and failback show in the log, /metrics and /api/v1/status (site failover, counters, FailedOver
//     conditions). SWARMOP_FAILOVER_TRIALS=N runs N trials (default 1); bench/failover.sh runs 5.
//   - Leader election: two `swarmop run --leader-elect` processes. Exactly one holds the lease and serves
//     HTTP; it corrects a drift. SIGKILL it: the other takes over within lease duration + retry (+ a
//     request) and corrects a drift made meanwhile. Then a third replica joins and the leader is frozen
//     (SIGSTOP): the newcomer takes over; thawed, the old leader stops without writing. Writes are read
//     from each process's log (apply results, networks, status labels, with glog's timestamps): the old
//     leader's last write comes before the new leader's first, and after none of its own leading ended.
// Figures are printed as "[measure] ..." lines.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <sstream>
#include <thread>
#include <vector>

#include "../../unit/reconciler/controller_http_client.h"
#include "eventually.h"
#include "swarmop/engine/engine.h"
#include "swarmop/reconciler/sites/leader_lease.h"
#include "testbed.h"

#ifndef SWARMOP_BINARY
#error "SWARMOP_BINARY must name the swarmop executable"
#endif

namespace swarmop::sites_it {
namespace {

using it::Eventually;  // tests/integration/support/eventually.h

using namespace std::chrono_literals;
using reconciler::testing::FreeLocalPort;
using reconciler::testing::HttpGet;
using SteadyClock = std::chrono::steady_clock;

constexpr const char* kLeaseName = "swarmop-leader-lease";

double Seconds(SteadyClock::duration d) { return std::chrono::duration<double>(d).count(); }

void Measure(const std::string& what, double seconds) {
  std::cout << "[measure] " << what << ": " << seconds << " s" << std::endl;
}

int TrialsFromEnvironment() {
  const char* text = std::getenv("SWARMOP_FAILOVER_TRIALS");
  int trials = text ? std::atoi(text) : 1;
  return trials < 1 ? 1 : trials;
}

// "p50 x s, min y s, max z s over n"; p50 is the lower median.
std::string Summary(std::vector<double> values) {
  if (values.empty()) return "no values";
  std::sort(values.begin(), values.end());
  std::ostringstream out;
  out << "p50 " << values[(values.size() - 1) / 2] << " s, min " << values.front() << " s, max "
      << values.back() << " s over " << values.size() << " trial(s)";
  return out.str();
}

// ------------------------------------------------------------------------------------ the estate
// One manifest per config, as `docker config create` would store them by hand.
const std::vector<std::pair<std::string, std::string>>& Manifests() {
  static const std::vector<std::pair<std::string, std::string>> manifests = {
      {"e2e-site-cloud",
       "apiVersion: swarmop.io/v1alpha1\nkind: Site\nmetadata:\n  name: cloud\nspec:\n  role: cloud\n"
       "  nodeSelector: {site: cloud}\n  network: {encrypted: false}\n"},
      {"e2e-site-douala",
       "apiVersion: swarmop.io/v1alpha1\nkind: Site\nmetadata:\n  name: douala\nspec:\n  role: edge\n"
       "  nodeSelector: {site: douala}\n  failover: yaounde\n  network: {encrypted: false}\n"},
      {"e2e-site-yaounde",
       "apiVersion: swarmop.io/v1alpha1\nkind: Site\nmetadata:\n  name: yaounde\nspec:\n  role: edge\n"
       "  nodeSelector: {site: yaounde}\n  failover: douala\n  network: {encrypted: false}\n"},
      {"e2e-service-api",
       "apiVersion: swarmop.io/v1alpha1\nkind: Service\nmetadata:\n  name: api\nspec:\n"
       "  image: local/busybox:1\n  command: [sh, -c, \"trap 'exit 0' TERM; sleep 3600 & wait\"]\n"
       "  sites:\n    douala: {replicas: 2}\n    yaounde: {replicas: 1}\n  failover: takeover\n"},
      {"e2e-service-front",
       "apiVersion: swarmop.io/v1alpha1\nkind: Service\nmetadata:\n  name: front\nspec:\n"
       "  image: local/busybox:1\n  command: [sh, -c, \"trap 'exit 0' TERM; sleep 3600 & wait\"]\n"
       "  sites:\n    douala: {replicas: 1}\n    yaounde: {replicas: 1}\n  failover: stay\n"},
  };
  return manifests;
}

// Swarm services the estate renders, with the site each belongs to and its declared replicas.
struct Placed {
  std::string service, site;
  uint64_t replicas;
};
const std::vector<Placed> kDeclared = {{"api-douala", "douala", 2},
                                       {"api-yaounde", "yaounde", 1},
                                       {"front-douala", "douala", 1},
                                       {"front-yaounde", "yaounde", 1}};

// ------------------------------------------------------------------------------------ the bed
std::unique_ptr<TestBed> g_bed;
std::string g_bed_error;

TestBed* Bed() {
  if (!g_bed && g_bed_error.empty()) {
    auto bed = TestBed::Up("stretched");
    if (!bed.ok()) {
      g_bed_error = bed.status().ToString();
      return nullptr;
    }
    g_bed = std::move(bed).value();
    Measure("stretched 3-node test bed up", g_bed->up_seconds());
  }
  return g_bed.get();
}

// ------------------------------------------------------------------------------------ a swarmop process
// `swarmop run` as a child process, its stdout and stderr (glog) in a file. Dies with the test (PDEATHSIG).
class OperatorProcess {
 public:
  OperatorProcess(std::string docker_host, std::vector<std::string> flags, std::string log_path)
      : docker_host_(std::move(docker_host)), flags_(std::move(flags)), log_path_(std::move(log_path)) {}
  // The log stays for a failed test (its path is in the failure messages), and goes with a passed one.
  ~OperatorProcess() {
    Stop(SIGKILL);
    if (!::testing::Test::HasFailure()) std::remove(log_path_.c_str());
  }

  // Everything the child needs is prepared before fork(): only async-signal-safe calls after it.
  void Start() {
    port_ = FreeLocalPort();
    std::vector<std::string> args = {"swarmop", "run", "--listen", "127.0.0.1:" + std::to_string(port_)};
    args.insert(args.end(), flags_.begin(), flags_.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env = {"DOCKER_HOST=" + docker_host_};
    for (char** e = environ; *e; ++e) {
      if (std::strncmp(*e, "DOCKER_HOST=", 12) != 0) env.emplace_back(*e);
    }
    std::vector<char*> envp;
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    int fd = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    pid_ = fork();
    if (pid_ == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (fd >= 0) {
        dup2(fd, 1);  // dup2 clears close-on-exec on the copies
        dup2(fd, 2);
      }
      execve(SWARMOP_BINARY, argv.data(), envp.data());
      _exit(127);
    }
    if (fd >= 0) close(fd);
  }

  // Returns the exit status (or 128 + signal); -1 when not running.
  int Stop(int signal) {
    if (pid_ <= 0) return -1;
    kill(pid_, signal);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

  void Signal(int signal) {
    if (pid_ > 0) kill(pid_, signal);
  }
  pid_t pid() const { return pid_; }
  uint16_t port() const { return port_; }
  reconciler::testing::HttpReply Get(const std::string& path) const { return HttpGet(port_, path); }
  const std::string& log_path() const { return log_path_; }
  std::string Log() const {
    std::ifstream in(log_path_);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

 private:
  std::string docker_host_;
  std::vector<std::string> flags_;
  std::string log_path_;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
};

size_t Occurrences(const std::string& text, const std::string& what) {
  size_t count = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++count;
  return count;
}

// glog lines ("I20261127 08:31:02.123456 4242 file.cc:12] message"; glog before 0.7 may print no year)
// whose message contains one of `marks`, as "YYYYMMDD HH:MM:SS.uuuuuu" wall-clock stamps (they sort as text).
std::vector<std::string> LogStamps(const std::string& log, const std::vector<std::string>& marks) {
  static const std::regex line_re(R"(^[IWEF](\d{4}|\d{8}) (\d{2}:\d{2}:\d{2}\.\d{6}) +\d+ [^\]]*\] (.*)$)");
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  const std::string year = std::to_string(1900 + tm.tm_year);
  std::vector<std::string> stamps;
  std::istringstream in(log);
  std::string line;
  std::smatch m;
  while (std::getline(in, line)) {
    if (!std::regex_match(line, m, line_re)) continue;
    const std::string message = m[3].str();
    if (std::none_of(marks.begin(), marks.end(),
                     [&](const std::string& mark) { return message.find(mark) != std::string::npos; }))
      continue;
    stamps.push_back((m[1].length() == 4 ? year : "") + m[1].str() + " " + m[2].str());
  }
  return stamps;
}

// The same stamp for a wall-clock time of the test (glog prints local time).
std::string GlogStamp(std::chrono::system_clock::time_point t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  localtime_r(&secs, &tm);
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count() % 1000000;
  char out[64];
  std::snprintf(out, sizeof(out), "%04d%02d%02d %02d:%02d:%02d.%06lld", 1900 + tm.tm_year, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long long>(micros));
  return out;
}

// Seconds since midnight of a LogStamps/GlogStamp stamp (the test runs within a day).
double StampSeconds(const std::string& stamp) {
  int h = 0, m = 0;
  double sec = 0;
  std::sscanf(stamp.c_str() + 9, "%d:%d:%lf", &h, &m, &sec);
  return h * 3600 + m * 60 + sec;
}

// The leader's lease (--lease-duration 6s: retry 0.8 s) plus one 3 s request and polling.
constexpr double kTakeoverBound = 6.0 + 0.8 + 3.0 + 0.5;

// What swarmop logs after each engine write of the reconciler: an applied operation, a network made for
// the estate, status labels written on a spec's config. (The lease's own writes are not logged.)
const std::vector<std::string> kWriteMarks = {": done: ", "created network for the estate",
                                              " (labels on config "};

// /api/v1/status parsed; null when it does not answer or parse.
nlohmann::json StatusOf(const OperatorProcess& p) {
  auto reply = p.Get("/api/v1/status");
  if (reply.status != 200) return nullptr;
  return nlohmann::json::parse(reply.body, nullptr, /*allow_exceptions=*/false);
}

// The "sites" entry of `site` in a status document; an empty object when absent.
nlohmann::json SiteOf(const nlohmann::json& status, const std::string& site) {
  if (!status.is_object() || !status.contains("sites") || !status["sites"].is_array())
    return nlohmann::json::object();
  for (const auto& s : status["sites"]) {
    if (s.is_object() && s.value("name", "") == site) return s;
  }
  return nlohmann::json::object();
}

// The "failover" object of `site`; an empty object when absent.
nlohmann::json FailoverOf(const nlohmann::json& status, const std::string& site) {
  nlohmann::json s = SiteOf(status, site);
  return s.is_object() && s.contains("failover") && s["failover"].is_object() ? s["failover"]
                                                                              : nlohmann::json::object();
}

// Whether the spec `kind`/`name` in a status document carries the condition FailedOver=True.
bool FailedOver(const nlohmann::json& status, const std::string& kind, const std::string& name) {
  if (!status.is_object() || !status.contains("specs") || !status["specs"].is_array()) return false;
  for (const auto& spec : status["specs"]) {
    if (!spec.is_object() || spec.value("kind", "") != kind || spec.value("name", "") != name) continue;
    if (!spec.contains("conditions") || !spec["conditions"].is_array()) return false;
    for (const auto& c : spec["conditions"]) {
      if (c.is_object() && c.value("type", "") == "FailedOver" && c.value("status", "") == "True")
        return true;
    }
  }
  return false;
}

// ------------------------------------------------------------------------------------ the fixture
class E2E : public ::testing::Test {
 protected:
  void SetUp() override {
    bed_ = Bed();
    ASSERT_TRUE(bed_) << "the 3-node test bed did not start: " << g_bed_error;
    auto endpoint = engine::ParseDockerHost(bed_->DockerHost("cloud"));
    ASSERT_TRUE(endpoint.ok()) << endpoint.status().ToString();
    endpoint->request_timeout = 10s;
    auto connected = engine::Connect(*endpoint);
    ASSERT_TRUE(connected.ok()) << connected.status().ToString();
    manager_ = std::move(connected).value();
    auto nodes = manager_->ListNodes({});
    ASSERT_TRUE(nodes.ok()) << nodes.status().ToString();
    for (const auto& node : *nodes) {
      auto site = node.spec.labels.find("site");
      node_site_[node.id] = site == node.spec.labels.end() ? "" : site->second;
    }
    ASSERT_EQ(node_site_.size(), 3u);
    StoreSpecs();
  }

  // Plain configs holding the manifests (the spec store reads them), once per bed.
  void StoreSpecs() {
    auto configs = manager_->ListConfigs({});
    ASSERT_TRUE(configs.ok()) << configs.status().ToString();
    for (const auto& [name, yaml] : Manifests()) {
      bool have = std::any_of(configs->begin(), configs->end(),
                              [&](const engine::Config& c) { return c.spec.name == name; });
      if (have) continue;
      auto created = manager_->CreateConfig(engine::ConfigSpec{name, {}, yaml, ""});
      ASSERT_TRUE(created.ok()) << name << ": " << created.status().ToString();
    }
  }

  std::unique_ptr<OperatorProcess> NewOperator(const std::string& tag, std::vector<std::string> flags) {
    std::string log = "/tmp/swarmop-e2e-" + std::to_string(getpid()) + "-" + tag + ".log";
    std::remove(log.c_str());
    return std::make_unique<OperatorProcess>(bed_->DockerHost("cloud"), std::move(flags), log);
  }

  std::optional<engine::Service> Inspect(const std::string& service) {
    auto inspected = manager_->InspectService(service);
    if (!inspected.ok()) return std::nullopt;
    return std::move(inspected).value();
  }

  uint64_t SpecReplicas(const std::string& service) {
    auto s = Inspect(service);
    return s ? s->spec.mode.replicas : 0;
  }

  // Running tasks (desired running, state running) of `service`, by the site of their node.
  std::map<std::string, int> RunningBySite(const std::string& service) {
    std::map<std::string, int> out;
    auto tasks = manager_->ListTasks({service, "running", std::nullopt, {}});
    if (!tasks.ok()) return out;
    for (const auto& task : *tasks) {
      if (task.status.state != "running") continue;
      auto site = node_site_.find(task.node_id);
      ++out[site == node_site_.end() ? "?" : site->second];
    }
    return out;
  }

  // `service` asks for `replicas` and runs exactly that many tasks, all on the nodes of `site`.
  bool RunsAt(const std::string& service, const std::string& site, uint64_t replicas) {
    if (SpecReplicas(service) != replicas) return false;
    auto running = RunningBySite(service);
    return running.size() == 1 && running.count(site) && running[site] == static_cast<int>(replicas);
  }

  bool DeclaredSplitRuns() {
    for (const Placed& p : kDeclared) {
      if (!RunsAt(p.service, p.site, p.replicas)) return false;
    }
    return true;
  }

  std::string DescribeServices() {
    std::ostringstream out;
    for (const Placed& p : kDeclared) {
      out << p.service << ": spec " << SpecReplicas(p.service) << ", running";
      for (const auto& [site, n] : RunningBySite(p.service)) out << " " << site << "=" << n;
      out << "; ";
    }
    return out.str();
  }

  // Sets `service`'s replicas by hand (a drift), retrying on a stale version.
  bool ScaleByHand(const std::string& service, uint64_t replicas) {
    for (int attempt = 0; attempt < 5; ++attempt) {
      auto s = Inspect(service);
      if (!s) continue;
      engine::ServiceSpec spec = s->spec;
      spec.mode.replicas = replicas;
      if (manager_->UpdateService(s->id, s->version, spec).ok()) return true;
    }
    return false;
  }

  std::string LeaseHolder() {
    auto lease = manager_->InspectConfig(kLeaseName);
    if (!lease.ok()) return "";
    return lease->spec.labels[reconciler::lease_labels::kHolder];
  }

  // A follower answers as one: alive (/healthz 200, so Swarm's healthcheck leaves it running), not ready,
  // no operator behind it (/metrics holds swarmop_leader 0 and nothing else).
  static bool Following(const OperatorProcess& p) {
    return p.Get("/healthz").status == 200 && p.Get("/readyz").status == 503 &&
           p.Get("/metrics").body.find("\nswarmop_leader 0\n") != std::string::npos &&
           p.Get("/api/v1/status").body.find("\"leading\": false") != std::string::npos;
  }

  static bool HeldBy(const std::string& holder, const OperatorProcess& p) {
    std::string suffix = ":" + std::to_string(p.pid());
    return holder.size() > suffix.size() &&
           holder.compare(holder.size() - suffix.size(), suffix.size(), suffix) == 0;
  }

  // After the leader is gone at `since` and api-yaounde was scaled by hand: when `next` holds the lease,
  // serves HTTP, and api-yaounde is back to 1 (seconds since `since`; unset when not within 60 s).
  struct Handover {
    std::optional<double> takeover, serving, corrected;
  };
  Handover WaitHandover(const OperatorProcess& next, SteadyClock::time_point since) {
    Handover h;
    while (SteadyClock::now() < since + 60s && !(h.takeover && h.serving && h.corrected)) {
      double now = Seconds(SteadyClock::now() - since);
      if (!h.takeover && HeldBy(LeaseHolder(), next)) h.takeover = now;
      if (!h.serving && next.Get("/metrics").body.find("\nswarmop_leader 1\n") != std::string::npos) {
        h.serving = now;
      }
      if (!h.corrected && SpecReplicas("api-yaounde") == 1) h.corrected = now;
      std::this_thread::sleep_for(100ms);
    }
    return h;
  }

  TestBed* bed_ = nullptr;
  std::unique_ptr<engine::Engine> manager_;
  std::map<std::string, std::string> node_site_;  // node ID -> site label
};

// ------------------------------------------------------------------------------------ failover
// Samples one service's spec replicas every 200 ms on its own connection; records every change.
class ReplicaSampler {
 public:
  ReplicaSampler(std::unique_ptr<engine::Engine> engine, std::string service)
      : engine_(std::move(engine)), service_(std::move(service)), thread_([this] { Loop(); }) {}
  ~ReplicaSampler() { Stop(); }
  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  std::vector<uint64_t> Values() {
    std::lock_guard<std::mutex> lock(mu_);
    return values_;
  }

 private:
  void Loop() {
    while (!stop_) {
      auto s = engine_->InspectService(service_);
      if (s.ok()) {
        std::lock_guard<std::mutex> lock(mu_);
        if (values_.empty() || values_.back() != s->spec.mode.replicas)
          values_.push_back(s->spec.mode.replicas);
      }
      std::this_thread::sleep_for(200ms);
    }
  }
  std::unique_ptr<engine::Engine> engine_;
  std::string service_;
  std::mutex mu_;
  std::vector<uint64_t> values_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

TEST_F(E2E, APartitionedSiteFailsOverToItsPartnerAndFailsBackWithoutFlapping) {
  const int trials = TrialsFromEnvironment();
  auto op = NewOperator("failover", {"--failover-grace", "5s", "--failback-hold", "3s", "--site-interval",
                                     "1s", "--resync", "5s"});
  op->Start();
  auto started = SteadyClock::now();
  ASSERT_TRUE(Eventually([&] { return DeclaredSplitRuns(); }, 120s, 250ms))
      << "the declared split never ran: " << DescribeServices() << "\nlog: " << op->log_path();
  Measure("swarmop run started -> declared split runs", Seconds(SteadyClock::now() - started));
  // Tasks land on the nodes of their sites (RunsAt checks every running task's node).
  for (const Placed& p : kDeclared) EXPECT_TRUE(RunsAt(p.service, p.site, p.replicas)) << p.service;
  ASSERT_TRUE(Eventually(
      [&] {
        auto status = StatusOf(*op);
        for (const char* site : {"cloud", "douala", "yaounde"}) {
          if (SiteOf(status, site).value("health", "") != "Ready") return false;
        }
        return true;
      },
      30s))
      << "the operator never reported three Ready sites: " << op->Get("/api/v1/status").body;

  std::vector<double> failover_times, failback_times;
  std::vector<std::string> cut_stamps, heal_stamps;
  for (int trial = 1; trial <= trials; ++trial) {
    SCOPED_TRACE("trial " + std::to_string(trial));
    auto sampler_endpoint = engine::ParseDockerHost(bed_->DockerHost("cloud"));
    ASSERT_TRUE(sampler_endpoint.ok());
    auto sampler_engine = engine::Connect(*sampler_endpoint);
    ASSERT_TRUE(sampler_engine.ok());
    ReplicaSampler sampler(std::move(sampler_engine).value(), "api-yaounde");
    std::this_thread::sleep_for(400ms);

    ASSERT_TRUE(bed_->Partition("douala").ok());
    auto cut = SteadyClock::now();
    cut_stamps.push_back(GlogStamp(std::chrono::system_clock::now()));
    bool took_over = Eventually([&] { return RunsAt("api-yaounde", "yaounde", 3); }, 90s, 100ms);
    double failover = Seconds(SteadyClock::now() - cut);
    // While failed over: /api/v1/status and /metrics say so; stay and the dark site's own service do not
    // move.
    nlohmann::json status = StatusOf(*op);
    auto metrics = op->Get("/metrics").body;
    uint64_t front = SpecReplicas("front-yaounde"), dark = SpecReplicas("api-douala");
    // ... and the affected specs carry FailedOver=True (published by the reconcile that applied it).
    bool conditions = Eventually(
        [&] {
          auto now = StatusOf(*op);
          return FailedOver(now, "Service", "api") && FailedOver(now, "Site", "douala");
        },
        10s);
    bool stay_condition = FailedOver(StatusOf(*op), "Service", "front");
    ASSERT_TRUE(bed_->Heal("douala").ok());
    auto healed = SteadyClock::now();
    heal_stamps.push_back(GlogStamp(std::chrono::system_clock::now()));
    ASSERT_TRUE(took_over) << "yaounde never ran douala's replicas within 90 s: " << DescribeServices();
    failover_times.push_back(failover);
    Measure("partition douala -> api-yaounde runs 3 on yaounde (grace 5 s)", failover);
    nlohmann::json douala = SiteOf(status, "douala");
    EXPECT_EQ(douala.value("health", ""), "Unreachable") << status.dump();
    EXPECT_EQ(FailoverOf(status, "douala"), (nlohmann::json{{"active", true}, {"partner", "yaounde"}}))
        << status.dump();
    EXPECT_EQ(status.is_object() ? status.value("failovers", -1) : -1, trial) << status.dump();
    EXPECT_NE(metrics.find("swarmop_site_failed_over{site=\"douala\",partner=\"yaounde\"} 1"),
              std::string::npos)
        << metrics;
    EXPECT_NE(metrics.find("swarmop_failovers_total " + std::to_string(trial)), std::string::npos);
    EXPECT_TRUE(conditions) << "no FailedOver condition on Service/api and Site/douala: "
                            << StatusOf(*op).dump();
    EXPECT_FALSE(stay_condition) << "a stay Service carries FailedOver";
    EXPECT_EQ(front, 1u) << "a stay Service moved";
    EXPECT_EQ(dark, 2u) << "the dark site's own service was changed";

    bool back = Eventually([&] { return DeclaredSplitRuns(); }, 90s, 100ms);
    double failback = Seconds(SteadyClock::now() - healed);
    ASSERT_TRUE(back) << "the declared split was not back within 90 s of the heal: " << DescribeServices();
    failback_times.push_back(failback);
    Measure("heal douala -> declared split runs again (hold-down 3 s)", failback);
    std::this_thread::sleep_for(2s);  // a late flap would show here
    sampler.Stop();
    EXPECT_EQ(sampler.Values(), (std::vector<uint64_t>{1, 3, 1}))
        << "api-yaounde's replicas must change once up and once down";
    EXPECT_TRUE(DeclaredSplitRuns()) << DescribeServices();

    status = StatusOf(*op);
    metrics = op->Get("/metrics").body;
    EXPECT_EQ(status.is_object() ? status.value("failbacks", -1) : -1, trial) << status.dump();
    EXPECT_EQ(FailoverOf(status, "douala").value("active", true), false) << status.dump();
    EXPECT_EQ(SiteOf(status, "douala").value("health", ""), "Ready") << status.dump();
    EXPECT_NE(metrics.find("swarmop_failbacks_total " + std::to_string(trial)), std::string::npos);
    EXPECT_EQ(metrics.find("swarmop_site_failed_over{"), std::string::npos) << metrics;
    EXPECT_TRUE(Eventually(
        [&] {
          auto now = StatusOf(*op);
          return !FailedOver(now, "Service", "api") && !FailedOver(now, "Site", "douala");
        },
        10s))
        << "the FailedOver condition outlived the failback: " << StatusOf(*op).dump();
  }

  std::string log = op->Log();
  EXPECT_EQ(Occurrences(log, "FailoverStarted: yaounde takes over douala"), static_cast<size_t>(trials))
      << op->log_path();
  EXPECT_EQ(Occurrences(log, "FailbackStarted: douala takes its load back from yaounde"),
            static_cast<size_t>(trials))
      << op->log_path();
  // Where the time goes, from the operator's log: the cut until the monitor starts the failover (Swarm marks
  // the node down, then the grace), the heal until it starts the failback (node Ready, then the hold-down).
  std::vector<std::string> failover_logged = LogStamps(log, {"FailoverStarted: "});
  std::vector<std::string> failback_logged = LogStamps(log, {"FailbackStarted: "});
  std::vector<double> to_failover, to_failback;
  for (size_t i = 0; i < cut_stamps.size() && i < failover_logged.size(); ++i)
    to_failover.push_back(StampSeconds(failover_logged[i]) - StampSeconds(cut_stamps[i]));
  for (size_t i = 0; i < heal_stamps.size() && i < failback_logged.size(); ++i)
    to_failback.push_back(StampSeconds(failback_logged[i]) - StampSeconds(heal_stamps[i]));
  std::cout << "[measure] partition -> FailoverStarted logged: " << Summary(to_failover) << std::endl;
  std::cout << "[measure] heal -> FailbackStarted logged: " << Summary(to_failback) << std::endl;
  EXPECT_EQ(op->Stop(SIGTERM), 0) << "SIGTERM must stop swarmop run with status 0";
  std::cout << "[measure] failover (partition -> partner runs the load): " << Summary(failover_times)
            << std::endl;
  std::cout << "[measure] failback (heal -> declared split runs): " << Summary(failback_times) << std::endl;
}

// ------------------------------------------------------------------------------------ leader election
TEST_F(E2E, TwoElectedOperatorsReconcileOneAtATimeAndAKilledLeaderIsReplaced) {
  const std::vector<std::string> flags = {
      "--leader-elect", "--lease-duration", "6s", "--resync", "5s", "--site-interval", "1s"};
  auto a = NewOperator("leader-a", flags);
  auto b = NewOperator("leader-b", flags);
  a->Start();
  b->Start();

  std::string holder;
  ASSERT_TRUE(Eventually(
      [&] {
        holder = LeaseHolder();
        return HeldBy(holder, *a) || HeldBy(holder, *b);
      },
      30s))
      << "nobody took the lease; holder \"" << holder << "\"";
  OperatorProcess* leader = HeldBy(holder, *a) ? a.get() : b.get();
  OperatorProcess* follower = leader == a.get() ? b.get() : a.get();
  std::cout << "[leader] " << holder << " leads; follower pid " << follower->pid() << std::endl;
  ASSERT_TRUE(Eventually(
      [&] { return leader->Get("/metrics").body.find("\nswarmop_leader 1\n") != std::string::npos; }, 15s))
      << "the leader never served its operator's HTTP";
  ASSERT_TRUE(Eventually([&] { return DeclaredSplitRuns(); }, 120s, 250ms))
      << "the leader never ran the declared split: " << DescribeServices();

  // Exactly one reconciles: the holder never changes and the follower never starts its operator.
  auto watch_end = SteadyClock::now() + 3s;
  while (SteadyClock::now() < watch_end) {
    ASSERT_TRUE(HeldBy(LeaseHolder(), *leader)) << "the lease moved while its holder was alive";
    ASSERT_TRUE(Following(*follower)) << "the follower runs its operator, or does not answer as a follower";
    std::this_thread::sleep_for(200ms);
  }

  // A drift is corrected by the leader.
  ASSERT_TRUE(ScaleByHand("api-yaounde", 4));
  auto drifted = SteadyClock::now();
  ASSERT_TRUE(Eventually([&] { return SpecReplicas("api-yaounde") == 1; }, 30s))
      << "the leader did not correct the drift";
  Measure("leader: drift (api-yaounde 1 -> 4 by hand) corrected", Seconds(SteadyClock::now() - drifted));
  EXPECT_TRUE(Following(*follower));

  // SIGKILL the leader, drift again at once: the follower takes the lease and corrects it.
  auto killed_wall = std::chrono::system_clock::now();
  auto killed = SteadyClock::now();
  EXPECT_EQ(leader->Stop(SIGKILL), 128 + SIGKILL);
  ASSERT_TRUE(ScaleByHand("api-yaounde", 4));
  Handover first = WaitHandover(*follower, killed);
  ASSERT_TRUE(first.takeover) << "the follower never took the lease; holder \"" << LeaseHolder() << "\"";
  ASSERT_TRUE(first.corrected) << "the drift made after the kill was never corrected: " << DescribeServices();
  Measure("SIGKILL leader -> the other holds the lease (duration 6 s, retry 0.8 s)", *first.takeover);
  if (first.serving) Measure("SIGKILL leader -> the new leader serves HTTP", *first.serving);
  Measure("SIGKILL leader -> drift made after the kill corrected", *first.corrected);
  EXPECT_LE(*first.takeover, kTakeoverBound) << "takeover beyond lease duration + retry + one request";
  EXPECT_TRUE(DeclaredSplitRuns()) << DescribeServices();

  // Never two writers: every write the old leader logged comes before the first one the new leader logged,
  // which comes after the kill; the new leader wrote nothing while it followed.
  std::string kill_stamp = GlogStamp(killed_wall);
  std::vector<std::string> old_writes = LogStamps(leader->Log(), kWriteMarks);
  std::vector<std::string> new_writes = LogStamps(follower->Log(), kWriteMarks);
  std::vector<std::string> new_lead = LogStamps(follower->Log(), {"started leading"});
  ASSERT_FALSE(old_writes.empty()) << "the old leader logged no write: " << leader->log_path();
  ASSERT_FALSE(new_writes.empty()) << "the new leader logged no write: " << follower->log_path();
  ASSERT_EQ(new_lead.size(), 1u) << follower->log_path();
  std::cout << "[writes] old leader: " << old_writes.size() << " write(s), " << old_writes.front() << " .. "
            << old_writes.back() << "; SIGKILL " << kill_stamp << "; new leader leads from "
            << new_lead.front() << ", " << new_writes.size() << " write(s), " << new_writes.front() << " .. "
            << new_writes.back() << std::endl;
  Measure("SIGKILL leader -> \"started leading\" in the other's log",
          StampSeconds(new_lead.front()) - StampSeconds(kill_stamp));
  EXPECT_LT(old_writes.back(), kill_stamp);
  EXPECT_LT(old_writes.back(), new_writes.front()) << "the two leaders' writes interleave";
  EXPECT_GT(new_lead.front(), kill_stamp) << "the follower led while the leader was alive";
  EXPECT_GE(new_writes.front(), new_lead.front()) << "the follower wrote before it led";
  EXPECT_EQ(LogStamps(leader->Log(), {"started leading"}).size(), 1u) << leader->log_path();

  // A leader frozen (SIGSTOP) rather than dead: a third replica takes over once the lease expires; thawed,
  // the old leader finds its lease gone and stops its operator without writing again, while the new leader
  // keeps correcting drift.
  OperatorProcess* frozen = follower;
  auto c = NewOperator("leader-c", flags);
  c->Start();
  std::this_thread::sleep_for(2s);
  ASSERT_TRUE(HeldBy(LeaseHolder(), *frozen)) << "a newcomer took a live leader's lease";
  EXPECT_TRUE(Following(*c)) << "the newcomer runs its operator while following";
  auto stopped_wall = std::chrono::system_clock::now();
  auto stopped = SteadyClock::now();
  frozen->Signal(SIGSTOP);
  ASSERT_TRUE(ScaleByHand("api-yaounde", 4));
  Handover second = WaitHandover(*c, stopped);
  ASSERT_TRUE(second.takeover) << "nobody took the frozen leader's lease; holder \"" << LeaseHolder() << "\"";
  ASSERT_TRUE(second.corrected) << "the drift made while the leader was frozen was never corrected";
  Measure("SIGSTOP leader -> the newcomer holds the lease", *second.takeover);
  Measure("SIGSTOP leader -> drift made meanwhile corrected", *second.corrected);
  EXPECT_LE(*second.takeover, kTakeoverBound);
  auto thawed_wall = std::chrono::system_clock::now();
  frozen->Signal(SIGCONT);
  ASSERT_TRUE(ScaleByHand("api-yaounde", 5));
  EXPECT_TRUE(Eventually([&] { return SpecReplicas("api-yaounde") == 1; }, 30s))
      << "the drift made after the thaw was not corrected";
  EXPECT_TRUE(Eventually([&] { return !LogStamps(frozen->Log(), {"stopped leading"}).empty(); }, 10s))
      << "the thawed leader never noticed it lost the lease: " << frozen->log_path();
  EXPECT_TRUE(Eventually([&] { return Following(*frozen); }, 10s))
      << "the thawed leader still runs its operator";
  std::this_thread::sleep_for(2s);  // a late write from the thawed leader would show here
  EXPECT_TRUE(HeldBy(LeaseHolder(), *c)) << "the thawed leader took the lease back";

  std::vector<std::string> frozen_writes = LogStamps(frozen->Log(), kWriteMarks);
  std::vector<std::string> c_writes = LogStamps(c->Log(), kWriteMarks);
  std::vector<std::string> c_lead = LogStamps(c->Log(), {"started leading"});
  std::vector<std::string> frozen_stop = LogStamps(frozen->Log(), {"stopped leading"});
  ASSERT_FALSE(c_writes.empty()) << c->log_path();
  ASSERT_EQ(c_lead.size(), 1u) << c->log_path();
  std::string stop_stamp = GlogStamp(stopped_wall);
  std::cout << "[writes] frozen leader: " << frozen_writes.size() << " write(s), last "
            << frozen_writes.back() << "; SIGSTOP " << stop_stamp << "; newcomer leads from "
            << c_lead.front() << ", first write " << c_writes.front() << "; SIGCONT "
            << GlogStamp(thawed_wall) << "; thawed leader stopped leading "
            << (frozen_stop.empty() ? "never" : frozen_stop.front()) << std::endl;
  EXPECT_LT(frozen_writes.back(), stop_stamp) << "the frozen leader wrote after it was frozen";
  EXPECT_LT(frozen_writes.back(), c_writes.front()) << "the two leaders' writes interleave";
  EXPECT_GT(c_lead.front(), stop_stamp) << "the newcomer led while the leader was still valid";
  EXPECT_GE(c_writes.front(), c_lead.front()) << "the newcomer wrote before it led";

  // Clean stops; the leader's releases the lease.
  EXPECT_EQ(frozen->Stop(SIGTERM), 0);
  EXPECT_EQ(c->Stop(SIGTERM), 0);
  EXPECT_EQ(LeaseHolder(), "") << "SIGTERM must release the lease";
}

}  // namespace
}  // namespace swarmop::sites_it

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  int rc = RUN_ALL_TESTS();
  swarmop::sites_it::g_bed.reset();  // down before exit
  return rc;
}
