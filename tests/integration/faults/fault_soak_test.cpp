// The real swarmop binary through FaultProxy (fault_proxy.h) on the test bed (issue 14):
//  - a soak of `swarmop run` while the proxy injects a bounded, seeded number of resets, delays, 500s,
//    out-of-sequence answers and truncated bodies, and the specs change under it: no crash, and once the
//    faults stop, converged (`swarmop diff` straight against the engine finds nothing to do, every task
//    runs, every spec reads Ready) with no duplicate or orphaned object;
//  - `swarmop apply` SIGKILLed at 20 seeded points (just before the Nth write reaches the engine, or just
//    after the engine did it and before apply hears back), alternating between two estates: each restart
//    converges with no duplicates.
// SWARMOP_FAULT_SEED=N replays a seed (printed at the start of each test). Reads SWARMOP_TEST_DOCKER_HOST
// (a unix socket) and FAILS when it is unset or unreachable.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <thread>

#include "bed_env.h"
#include "eventually.h"
#include "fault_proxy.h"
#include "http_client.h"
#include "swarm_objects.h"
#include "swarmop/reconciler/core/labels.h"
#include "swarmop_process.h"

#ifndef SWARMOP_BINARY
#error "SWARMOP_BINARY must name the swarmop executable"
#endif

namespace swarmop::it {
namespace {

using namespace testsupport;  // tests/support

using faults::FaultPlan;
using faults::FaultProxy;
using faults::HookAction;
using faults::HookPhase;
using faults::ProxiedRequest;
using std::chrono::milliseconds;
using std::chrono::seconds;
namespace labels = reconciler::labels;

struct ServiceDoc {
  std::string name;
  int replicas;
  std::string content;
};

std::string SiteDoc() {
  return "apiVersion: swarmop.io/v1alpha1\nkind: Site\nmetadata:\n  name: flt\n"
         "spec:\n  role: edge\n  nodeSelector: {swarmop-flt: flt}\n";
}

std::string ServiceYaml(const ServiceDoc& s) {
  return "apiVersion: swarmop.io/v1alpha1\nkind: Service\nmetadata:\n  name: " + s.name +
         "\nspec:\n  image: local/busybox:1\n  command: [sh, -c, \"trap 'exit 0' TERM; sleep 3600 & wait\"]\n"
         "  sites:\n    flt: {replicas: " +
         std::to_string(s.replicas) + "}\n  configs:\n    - {name: conf, target: /etc/app.conf, content: \"" +
         s.content + "\"}\n";
}

// Two estates that differ in every way a converge can: a service only in A (removed going to B), one only in
// B (created), one whose replicas and config content change (update + config rotation), one unchanged.
const std::vector<ServiceDoc> kEstateA = {{"f0", 1, "a0"}, {"f1", 1, "a1"}, {"f2", 1, "same"}};
const std::vector<ServiceDoc> kEstateB = {{"f1", 2, "b1"}, {"f2", 1, "same"}, {"f3", 1, "b3"}};

// For apply, which stores and converges the specs it is given and removes none: the same services, with
// replicas and config content changing (updates and config rotations). Creations come from an empty swarm.
const std::vector<ServiceDoc> kApplyA = {
    {"f0", 1, "a0"}, {"f1", 1, "a1"}, {"f2", 1, "same"}, {"f3", 1, "a3"}};
const std::vector<ServiceDoc> kApplyB = {
    {"f0", 1, "a0"}, {"f1", 2, "b1"}, {"f2", 1, "same"}, {"f3", 2, "b3"}};

std::string EstateYaml(const std::vector<ServiceDoc>& services) {
  std::string yaml = SiteDoc();
  for (const auto& s : services) yaml += "---\n" + ServiceYaml(s);
  return yaml;
}

std::set<std::string> ServiceNames(const std::vector<ServiceDoc>& services) {
  std::set<std::string> names;
  for (const auto& s : services) names.insert(s.name + "-flt");
  return names;
}

uint64_t SeedFromEnvironment() {
  if (const char* text = std::getenv("SWARMOP_FAULT_SEED"); text && *text)
    return std::strtoull(text, nullptr, 10);
  return std::random_device()() % 1000000;
}

// True when the status document lists `count` specs, each with condition Ready=True.
bool EverySpecReady(const std::string& body, size_t count) {
  auto document = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!document.is_object() || !document["specs"].is_array() || document["specs"].size() != count)
    return false;
  for (const auto& spec : document["specs"]) {
    bool ready = false;
    for (const auto& condition : spec.value("conditions", nlohmann::json::array()))
      ready |= condition.value("type", "") == "Ready" && condition.value("status", "") == "True";
    if (!ready) return false;
  }
  return true;
}

class FaultsBetweenSwarmopAndTheEngine : public ::testing::Test {
 protected:
  void SetUp() override {
    auto connected = ConnectTestBed(&host_);
    ASSERT_TRUE(connected.ok()) << connected.status().ToString();
    engine_ = std::move(connected).value();
    ASSERT_EQ(host_.rfind("unix://", 0), 0u)
        << "the fault proxy needs the engine on a unix socket: " << host_;
    ASSERT_TRUE(LabelFirstNode(*engine_, "swarmop-flt", "flt").ok());
    char dir[] = "/tmp/swarmop-faults-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
    RemoveEverythingOwned(*engine_, "fault-soak-");
    seed_ = SeedFromEnvironment();
  }

  void TearDown() override {
    if (run_) run_->Stop(SIGKILL);
    proxy_.reset();
    if (engine_) RemoveEverythingOwned(*engine_, "fault-soak-");
    if (HasFailure() || std::getenv("SWARMOP_KEEP_LOGS"))
      std::printf("logs kept in %s (seed %llu)\n", dir_.c_str(), static_cast<unsigned long long>(seed_));
    else
      Capture("rm -rf " + dir_);
  }

  void StartProxy(FaultPlan plan) {
    auto proxy = FaultProxy::Start(dir_ + "/engine.sock", host_.substr(std::string("unix://").size()), plan);
    ASSERT_TRUE(proxy.ok()) << proxy.status().ToString();
    proxy_ = std::move(proxy).value();
  }
  std::string ProxyHost() const { return "unix://" + proxy_->path(); }

  // `swarmop diff` straight against the engine: 0 when nothing is left to do.
  int DiffDirect(const std::string& manifest_path, const std::string& log) {
    return RunSwarmop(SWARMOP_BINARY, {"diff", "-f", manifest_path}, host_, log, milliseconds(60000));
  }

  // Duplicates (by name) among owned services, networks and configs, and rendered configs no service uses.
  std::vector<std::string> IntegrityProblems(const std::set<std::string>& expected_services) {
    std::vector<std::string> problems;
    auto owned = engine::ListFilter::Labels({{labels::kManagedBy, labels::kManagerName}});
    std::multiset<std::string> services, networks, configs;
    std::set<std::string> referenced;
    for (const auto& s : ListOrEmpty(engine_->ListServices(owned))) {
      services.insert(s.spec.name);
      for (const auto& ref : s.spec.task_template.container_spec.configs) referenced.insert(ref.config_name);
    }
    for (const auto& n : ListOrEmpty(engine_->ListNetworks(owned))) networks.insert(n.name);
    auto owned_configs = ListOrEmpty(engine_->ListConfigs(owned));
    for (const auto& c : owned_configs) configs.insert(c.spec.name);
    for (const auto* set : {&services, &networks, &configs})
      for (const auto& name : *set)
        if (set->count(name) > 1) problems.push_back("duplicate " + name);
    if (std::set<std::string>(services.begin(), services.end()) != expected_services) {
      std::string seen;
      for (const auto& s : services) seen += s + " ";
      problems.push_back("owned services are [" + seen + "]");
    }
    for (const auto& c : owned_configs) {
      if (c.spec.labels.count(labels::kOwnerKind) == 0) continue;  // a stored spec, not a rendered config
      if (!referenced.count(c.spec.name)) problems.push_back("orphaned config " + c.spec.name);
    }
    return problems;
  }

  bool AllRunning(const std::vector<ServiceDoc>& estate) {
    std::map<std::string, int> want;
    for (const auto& s : estate) want[s.name + "-flt"] = s.replicas;
    auto owned = engine::ListFilter::Labels({{labels::kManagedBy, labels::kManagerName}});
    int matched = 0;
    for (const auto& s : ListOrEmpty(engine_->ListServices(owned))) {
      auto it = want.find(s.spec.name);
      if (it == want.end() || !s.service_status) return false;
      if (static_cast<int>(s.service_status->running_tasks) != it->second) return false;
      ++matched;
    }
    return matched == static_cast<int>(want.size());
  }

  std::string host_, dir_;
  uint64_t seed_ = 0;
  std::unique_ptr<engine::Engine> engine_;
  std::unique_ptr<FaultProxy> proxy_;
  std::unique_ptr<SwarmopProcess> run_;
};

TEST_F(FaultsBetweenSwarmopAndTheEngine, RunSurvivesInjectedFaultsAndConvergesWithoutDuplicatesOrOrphans) {
  FaultPlan plan;
  plan.seed = seed_;
  plan.probability = 0.04;
  plan.write_probability = 0.4;
  plan.max_faults = 60;
  StartProxy(plan);
  ASSERT_TRUE(proxy_);
  // Hand-made specs (one config per document), switched A -> B -> A -> B under the faults.
  const std::vector<ServiceDoc>* steps[] = {&kEstateA, &kEstateB, &kEstateA, &kEstateB};
  auto store_step = [&](int step) {
    for (const auto& s : *steps[step]) {
      std::string name = "fault-soak-" + s.name + "-s" + std::to_string(step);
      if (!engine_->CreateConfig(engine::ConfigSpec{name, {}, ServiceYaml(s), ""}).ok()) return false;
    }
    if (step > 0)
      for (const auto& s : *steps[step - 1])
        (void)engine_->RemoveConfig("fault-soak-" + s.name + "-s" + std::to_string(step - 1));
    return true;
  };
  ASSERT_TRUE(engine_->CreateConfig(engine::ConfigSpec{"fault-soak-site", {}, SiteDoc(), ""}).ok());
  ASSERT_TRUE(store_step(0));

  const std::string token = "fault-soak-token";
  WriteFile(dir_ + "/token", token + "\n");
  uint16_t port = FreeLocalPort();
  auto started = std::chrono::steady_clock::now();
  run_ = SwarmopProcess::Start(SWARMOP_BINARY,
                               {"run", "--listen", "127.0.0.1:" + std::to_string(port), "--auth-token-file",
                                dir_ + "/token", "--resync", "2s", "--workers", "2"},
                               ProxyHost(), dir_ + "/run.log");
  ASSERT_TRUE(run_);
  for (int step = 1; step < 4; ++step) {
    Eventually([&] { return !run_->Running(); }, seconds(6));
    ASSERT_TRUE(run_->Running()) << "swarmop run exited (" << run_->exit_status() << ") under faults:\n"
                                 << ReadFile(dir_ + "/run.log");
    ASSERT_TRUE(store_step(step));
  }
  Eventually([&] { return proxy_->faults() >= plan.max_faults || !run_->Running(); }, seconds(20));
  ASSERT_TRUE(run_->Running()) << "swarmop run exited (" << run_->exit_status() << ") under faults:\n"
                               << ReadFile(dir_ + "/run.log");
  proxy_->SetFaultsEnabled(false);
  int faults = proxy_->faults();
  auto faults_done = std::chrono::steady_clock::now();

  // Converged, judged straight against the engine, not through the proxy.
  WriteFile(dir_ + "/estate-b.yaml", EstateYaml(kEstateB));
  bool converged = Eventually(
      [&] {
        return AllRunning(kEstateB) && IntegrityProblems(ServiceNames(kEstateB)).empty() &&
               DiffDirect(dir_ + "/estate-b.yaml", dir_ + "/diff.log") == 0;
      },
      seconds(90));
  auto converged_at = std::chrono::steady_clock::now();
  for (const auto& problem : IntegrityProblems(ServiceNames(kEstateB))) ADD_FAILURE() << problem;
  EXPECT_TRUE(converged) << "not converged 90 s after the last fault; last diff:\n"
                         << ReadFile(dir_ + "/diff.log") << "\nrun log:\n"
                         << ReadFile(dir_ + "/run.log");
  std::string bearer = "Authorization: Bearer " + token + "\r\n";
  bool all_ready = Eventually(
      [&] {
        auto status = HttpGet(port, "/api/v1/status", bearer);
        return status.status == 200 && EverySpecReady(status.body, kEstateB.size() + 1);
      },
      seconds(30));
  EXPECT_TRUE(all_ready) << HttpGet(port, "/api/v1/status", bearer).body;
  EXPECT_EQ(HttpGet(port, "/readyz").status, 200);
  ASSERT_TRUE(run_->Running()) << "swarmop run exited after the faults";
  EXPECT_EQ(run_->Stop(SIGTERM), 0);

  std::printf(
      "soak: seed %llu, %d faults in %.1f s over %d requests (%d writes), estates A, B, A, B; converged %.1f "
      "s "
      "after the faults stopped\n",
      static_cast<unsigned long long>(seed_), faults,
      std::chrono::duration<double>(faults_done - started).count(), proxy_->requests(), proxy_->writes(),
      std::chrono::duration<double>(converged_at - faults_done).count());
  std::map<std::string, int> kinds;
  int on_writes = 0;
  for (const auto& line : proxy_->FaultLog()) {
    on_writes += line.find(" POST ") != std::string::npos || line.find(" DELETE ") != std::string::npos;
    size_t colon = line.find("]: ");
    kinds[line.substr(colon + 3, line.find(' ', colon + 3) - colon - 3)]++;
  }
  for (const auto& [kind, count] : kinds) std::printf("  %s: %d\n", kind.c_str(), count);
  std::printf("  (%d of them on writes)\n", on_writes);
}

TEST_F(FaultsBetweenSwarmopAndTheEngine,
       ApplyKilledAtTwentySeededPointsConvergesOnEveryRestartWithoutDuplicates) {
  FaultPlan plan;
  plan.seed = seed_;
  plan.max_faults = 0;  // kills only
  StartProxy(plan);
  ASSERT_TRUE(proxy_);
  const std::string estates[2] = {dir_ + "/estate-a.yaml", dir_ + "/estate-b.yaml"};
  WriteFile(estates[0], EstateYaml(kApplyA));
  WriteFile(estates[1], EstateYaml(kApplyB));
  const std::vector<ServiceDoc>* docs[2] = {&kApplyA, &kApplyB};
  auto apply = [&](int estate, const std::string& log) {
    return RunSwarmop(SWARMOP_BINARY, {"apply", "-f", estates[estate]}, ProxyHost(), log,
                      milliseconds(60000));
  };
  // Calibration: how many writes each move makes (A from nothing, A -> B, B -> A).
  auto count_writes = [&](int estate) {
    int before = proxy_->writes();
    EXPECT_EQ(apply(estate, dir_ + "/calibrate.log"), 0) << ReadFile(dir_ + "/calibrate.log");
    return proxy_->writes() - before;
  };
  int writes_from_nothing = count_writes(0);
  int writes_to_b = count_writes(1);
  int writes_to_a = count_writes(0);
  std::printf("kill test: seed %llu; apply makes %d writes from nothing, %d from A to B, %d from B to A\n",
              static_cast<unsigned long long>(seed_), writes_from_nothing, writes_to_b, writes_to_a);
  ASSERT_GT(writes_to_a, 2);
  ASSERT_FALSE(HasFailure());

  std::mt19937_64 rng(seed_);
  std::atomic<pid_t> victim{-1};
  std::atomic<int> kill_at{0};
  std::atomic<int> kill_phase{0};
  std::atomic<int> first_write{0};
  std::atomic<bool> killed{false};
  proxy_->SetWriteHook([&](const ProxiedRequest& request, HookPhase phase) {
    if (victim <= 0 || killed) return HookAction::kContinue;
    int nth = request.write_index - first_write;
    if (nth != kill_at || static_cast<int>(phase) != kill_phase) return HookAction::kContinue;
    std::printf("  SIGKILL at write %d (%s, %s %s)\n", nth,
                phase == HookPhase::kBeforeForward ? "before the engine saw it" : "after the engine did it",
                request.method.c_str(), request.target.c_str());
    kill(victim, SIGKILL);
    killed = true;
    return HookAction::kDrop;
  });

  int kills = 0, total_restart_ms = 0;
  int state = 0;  // the swarm holds estate A
  for (int i = 0; i < 20; ++i) {
    // Every fifth point starts from an empty swarm (creations); the others move A -> B or B -> A
    // (updates, config rotations and removals of the old configs).
    int target = 1 - state;
    int writes = target == 1 ? writes_to_b : writes_to_a;
    if (i % 5 == 4) {
      RemoveEverythingOwned(*engine_);
      target = 0;
      writes = writes_from_nothing;
    }
    state = target;
    kill_at = static_cast<int>(rng() % static_cast<uint64_t>(writes)) + 1;
    kill_phase = static_cast<int>(rng() % 2);
    killed = false;
    first_write = proxy_->writes();
    std::string log = dir_ + "/apply-" + std::to_string(i) + ".log";
    auto process = SwarmopProcess::Start(SWARMOP_BINARY, {"apply", "-f", estates[target]}, ProxyHost(), log);
    ASSERT_TRUE(process);
    victim = process->pid();
    int exit_code = process->Wait(milliseconds(60000));
    victim = -1;
    if (killed) {
      ++kills;
      EXPECT_EQ(exit_code, 128 + SIGKILL);
    } else {
      std::printf("  point %d: write %d never came (apply exited %d after %d writes)\n", i, kill_at.load(),
                  exit_code, proxy_->writes() - first_write.load());
    }
    auto restart = std::chrono::steady_clock::now();
    ASSERT_EQ(apply(target, log), 0) << "point " << i << ": the restarted apply failed:\n" << ReadFile(log);
    total_restart_ms += static_cast<int>(
        std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - restart).count());
    EXPECT_EQ(DiffDirect(estates[target], log + ".diff"), 0)
        << "point " << i << ": not converged after the restart:\n"
        << ReadFile(log + ".diff");
    for (const auto& problem : IntegrityProblems(ServiceNames(*docs[target])))
      ADD_FAILURE() << "point " << i << " (seed " << seed_ << "): " << problem;
  }
  std::printf("kill test: %d of 20 points killed an apply; restarts took %d ms on average\n", kills,
              total_restart_ms / 20);
  EXPECT_GE(kills, 15) << "too few kill points were reached: the calibration is off";
}

}  // namespace
}  // namespace swarmop::it
