// The failover end-to-end suites' harness (one integration_failover_e2e binary:
// failover_e2e_failover_test.cpp, failover_e2e_leader_test.cpp): the estate, the bed, `swarmop run` as a
// process, its logs and status, the fixture. What they test is said at the top of
// failover_e2e_failover_test.cpp.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
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

#include "bed_env.h"        // tests/support
#include "eventually.h"     // tests/support
#include "http_client.h"    // tests/support
#include "measure.h"        // tests/support
#include "swarm_objects.h"  // tests/support
#include "swarmop/engine/engine.h"
#include "swarmop/reconciler/sites/leader_lease.h"
#include "swarmop_process.h"  // tests/support
#include "testbed.h"          // tests/support

#ifndef SWARMOP_BINARY
#error "SWARMOP_BINARY must name the swarmop executable"
#endif

namespace swarmop::sites_it {

using testsupport::Eventually;  // tests/support/eventually.h

using namespace std::chrono_literals;
using testsupport::FreeLocalPort;
using testsupport::HttpGet;
using testsupport::Measure;  // tests/support/measure.h
using testsupport::Seconds;
using testsupport::TestBed;  // tests/support/testbed.h
using SteadyClock = std::chrono::steady_clock;

inline constexpr const char* kLeaseName = "swarmop-leader-lease";

int TrialsFromEnvironment();

// "p50 x s, min y s, max z s over n"; p50 is the lower median.
std::string Summary(std::vector<double> values);

// ------------------------------------------------------------------------------------ the estate
// One manifest per config, as `docker config create` would store them by hand.
const std::vector<std::pair<std::string, std::string>>& Manifests();

// ------------------------------------------------------------------------------------ the bed
extern std::unique_ptr<TestBed> g_bed;
extern std::string g_bed_error;

TestBed* Bed();

// Swarm services the estate renders, with the site each belongs to and its declared replicas.
struct Placed {
  std::string service, site;
  uint64_t replicas;
};
inline const std::vector<Placed> kDeclared = {{"api-douala", "douala", 2},
                                              {"api-yaounde", "yaounde", 1},
                                              {"front-douala", "douala", 1},
                                              {"front-yaounde", "yaounde", 1}};

// ------------------------------------------------------------------------------------ a swarmop process
// `swarmop run` as a child process (tests/support's SwarmopProcess), listening on a free port, its stdout and
// stderr (glog) in a file.
class OperatorProcess {
 public:
  OperatorProcess(std::string docker_host, std::vector<std::string> flags, std::string log_path)
      : docker_host_(std::move(docker_host)), flags_(std::move(flags)), log_path_(std::move(log_path)) {}
  // The log stays for a failed test (its path is in the failure messages), and goes with a passed one.
  ~OperatorProcess() {
    Stop(SIGKILL);
    if (!::testing::Test::HasFailure()) std::remove(log_path_.c_str());
  }

  void Start() {
    port_ = FreeLocalPort();
    std::vector<std::string> args = {"run", "--listen", "127.0.0.1:" + std::to_string(port_)};
    args.insert(args.end(), flags_.begin(), flags_.end());
    process_ = testsupport::SwarmopProcess::Start(SWARMOP_BINARY, args, docker_host_, log_path_);
  }

  // Returns the exit status (or 128 + signal); -1 when not running.
  int Stop(int signal) {
    if (!process_ || process_->pid() <= 0) return -1;
    return process_->Stop(signal);
  }

  void Signal(int signal) {
    if (process_) process_->Signal(signal);
  }
  pid_t pid() const { return process_ ? process_->pid() : -1; }
  uint16_t port() const { return port_; }
  testsupport::HttpReply Get(const std::string& path) const { return HttpGet(port_, path); }
  const std::string& log_path() const { return log_path_; }
  std::string Log() const { return testsupport::ReadFile(log_path_); }

 private:
  std::string docker_host_;
  std::vector<std::string> flags_;
  std::string log_path_;
  std::unique_ptr<testsupport::SwarmopProcess> process_;
  uint16_t port_ = 0;
};

size_t Occurrences(const std::string& text, const std::string& what);

// glog lines ("I20261127 08:31:02.123456 4242 file.cc:12] message"; glog before 0.7 may print no year)
// whose message contains one of `marks`, as "YYYYMMDD HH:MM:SS.uuuuuu" wall-clock stamps (they sort as text).
std::vector<std::string> LogStamps(const std::string& log, const std::vector<std::string>& marks);

// The same stamp for a wall-clock time of the test (glog prints local time).
std::string GlogStamp(std::chrono::system_clock::time_point t);

// Seconds since midnight of a LogStamps/GlogStamp stamp (the test runs within a day).
double StampSeconds(const std::string& stamp);

// The leader's lease (--lease-duration 6s: retry 0.8 s) plus one 3 s request and polling.
inline constexpr double kTakeoverBound = 6.0 + 0.8 + 3.0 + 0.5;

// What swarmop logs after each engine write of the reconciler: an applied operation, a network made for
// the estate, status labels written on a spec's config. (The lease's own writes are not logged.)
inline const std::vector<std::string> kWriteMarks = {": done: ", "created network for the estate",
                                                     " (labels on config "};

// /api/v1/status parsed; null when it does not answer or parse.
nlohmann::json StatusOf(const OperatorProcess& p);

// The "sites" entry of `site` in a status document; an empty object when absent.
nlohmann::json SiteOf(const nlohmann::json& status, const std::string& site);

// The "failover" object of `site`; an empty object when absent.
nlohmann::json FailoverOf(const nlohmann::json& status, const std::string& site);

// Whether the spec `kind`/`name` in a status document carries the condition FailedOver=True.
bool FailedOver(const nlohmann::json& status, const std::string& kind, const std::string& name);

// ------------------------------------------------------------------------------------ the fixture
class E2E : public ::testing::Test {
 protected:
  void SetUp() override {
    bed_ = Bed();
    ASSERT_TRUE(bed_) << "the 3-node test bed did not start: " << g_bed_error;
    auto connected = testsupport::ConnectEngine(bed_->DockerHost("cloud"), 10s);
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
    return testsupport::ScaleByHand(*manager_, service, replicas).ok();  // tests/support/swarm_objects.h
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

}  // namespace swarmop::sites_it
