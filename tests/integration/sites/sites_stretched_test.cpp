// Sites across swarms on real multi-node test beds (started here, always torn down):
//   - stretched layout (one swarm, manager at cloud): site health from real nodes through a partition and
//     its heal, failover/failback events from those readings, the manager placement warning, and the
//     leader lease raced by several clients on the real engine (CAS on the config version).
// Measured times are printed as "[measure] ..." lines.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <iostream>
#include <optional>
#include <thread>

#include "sites_fixtures.h"
#include "stretched_sites.h"  // tests/support
#include "swarmop/engine/counting_engine.h"
#include "swarmop/engine/engine.h"
#include "swarmop/reconciler/sites/failover.h"
#include "swarmop/reconciler/sites/leader_elector.h"
#include "swarmop/reconciler/sites/leader_lease.h"
#include "swarmop/reconciler/sites/quorum.h"
#include "swarmop/reconciler/sites/site_health.h"

namespace swarmop::sites_it {
namespace {

using namespace std::chrono_literals;
using reconciler::SiteHealthState;
using testsupport::TestBed;  // tests/support/testbed.h

class StretchedSites : public ::testing::Test {
 protected:
  void SetUp() override {
    bed_ = StretchedBed();
    ASSERT_TRUE(bed_) << "the 3-node test bed did not start: " << g_stretched_error;
    manager_ = MustConnect(bed_->DockerHost("cloud"));
    ASSERT_TRUE(manager_);
  }

  reconciler::SiteHealthReading Read(const std::string& site) {
    auto nodes = manager_->ListNodes({});
    EXPECT_TRUE(nodes.ok()) << nodes.status().ToString();
    if (!nodes.ok()) return {};
    return reconciler::EvaluateStretchedSite({{"site", site}}, *nodes);
  }

  TestBed* bed_ = nullptr;
  std::unique_ptr<engine::Engine> manager_;
};

TEST_F(StretchedSites, EverySiteIsReadyOnAFreshBed) {
  for (const char* site : {"cloud", "douala", "yaounde"}) {
    auto reading = Read(site);
    EXPECT_EQ(reading.state, SiteHealthState::kReady) << site << ": " << reading.reason;
    EXPECT_EQ(reading.nodes_total, 1) << site;
  }
}

TEST_F(StretchedSites, AllManagersInTheCloudIsALayoutThatCannotSurviveTheLossOfTheCloud) {
  auto nodes = manager_->ListNodes({});
  ASSERT_TRUE(nodes.ok()) << nodes.status().ToString();
  auto placement = reconciler::CheckManagerPlacement(testsupport::ThreeStretchedSites(), *nodes);
  EXPECT_EQ(placement.managers, 1);
  EXPECT_EQ(placement.managers_by_site["cloud"], 1);
  EXPECT_FALSE(placement.survives_cloud_loss);
  for (const auto& warning : placement.warnings) std::cout << "[quorum] " << warning << "\n";
}

// Waits until `service` asks for `replicas` and runs that many tasks; returns the seconds it took.
std::optional<double> WaitRunning(engine::Engine& engine, const std::string& service, uint64_t replicas,
                                  std::chrono::seconds limit) {
  auto start = SteadyClock::now();
  while (SteadyClock::now() - start < limit) {
    auto [want, running] = ReplicasAndRunning(engine, service);
    if (want == replicas && running == static_cast<int>(replicas)) return Seconds(SteadyClock::now() - start);
    std::this_thread::sleep_for(250ms);
  }
  return std::nullopt;
}

// Partition douala: its node goes down (Unreachable), yaounde stays Ready; with a short grace the
// failover machine starts a failover and the takeover Service's yaounde copy runs douala's replica too
// (the stay Service does not move; api-douala stays in place); heal: Ready again and, after the
// hold-down, a failback that returns yaounde to its own replicas.
TEST_F(StretchedSites, APartitionedSiteBecomesUnreachableFailsOverAndComesBack) {
  reconciler::SiteHealthTracker tracker;
  reconciler::FailoverTracker failover({5s, 3s});
  crds::DesiredState desired = StretchedEstateWithServices();
  ASSERT_TRUE(Converge(*manager_, desired).ok()) << Converge(*manager_, desired).ToString();
  for (const char* service : {"api-douala", "api-yaounde", "front-douala", "front-yaounde"}) {
    ASSERT_TRUE(WaitRunning(*manager_, service, 1, 60s)) << service << " never ran";
  }
  std::vector<reconciler::FailoverEvent> events;
  auto observe_all = [&] {
    std::vector<reconciler::SiteHealth> health;
    for (const char* site : {"cloud", "douala", "yaounde"})
      health.push_back(tracker.Observe(site, Read(site)));
    for (auto& e : failover.Update(desired, health, SteadyClock::now())) {
      std::cout << "[event] " << e.message << std::endl;
      events.push_back(e);
    }
    return health;
  };
  observe_all();

  ASSERT_TRUE(bed_->Partition("douala").ok());
  auto cut = SteadyClock::now();
  std::optional<double> unreachable_after, failover_after;
  while (SteadyClock::now() - cut < 60s && !failover_after) {
    auto health = observe_all();
    if (!unreachable_after && health[1].reading.state == SiteHealthState::kUnreachable) {
      unreachable_after = Seconds(SteadyClock::now() - cut);
      EXPECT_EQ(health[2].reading.state, SiteHealthState::kReady) << "yaounde: " << health[2].reading.reason;
      EXPECT_EQ(health[0].reading.state, SiteHealthState::kReady) << "cloud: " << health[0].reading.reason;
    }
    if (!events.empty()) failover_after = Seconds(SteadyClock::now() - cut);
    std::this_thread::sleep_for(250ms);
  }
  ASSERT_TRUE(bed_->Heal("douala").ok());
  auto healed = SteadyClock::now();
  ASSERT_TRUE(unreachable_after) << "douala never became Unreachable within 60 s";
  Measure("partition -> douala Unreachable (node down)", *unreachable_after);
  ASSERT_TRUE(failover_after) << "no FailoverStarted within 60 s";
  Measure("partition -> FailoverStarted (grace 5 s)", *failover_after);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, reconciler::FailoverEventKind::kFailoverStarted);
  EXPECT_EQ(events[0].partner, "yaounde");
  EXPECT_EQ(failover.Active(), (std::vector<reconciler::ActiveFailover>{{"douala", "yaounde"}}));

  auto adjusted = reconciler::ApplyFailover(desired, failover.Active());
  ASSERT_EQ(adjusted.effects.size(), 1u);
  std::cout << "[takeover] " << adjusted.effects[0].ToString() << std::endl;
  auto takeover_start = SteadyClock::now();
  Status applied = Converge(*manager_, adjusted.desired);
  ASSERT_TRUE(applied.ok()) << applied.ToString();
  auto took = WaitRunning(*manager_, "api-yaounde", 2, 60s);
  ASSERT_TRUE(took) << "api-yaounde never ran 2 tasks";
  Measure("FailoverStarted -> api-yaounde runs douala's replica too",
          Seconds(SteadyClock::now() - takeover_start));
  EXPECT_EQ(ReplicasAndRunning(*manager_, "front-yaounde").first, 1u) << "a stay Service moved";
  EXPECT_EQ(ReplicasAndRunning(*manager_, "api-douala").first, 1u) << "the dark site's service was changed";

  std::optional<double> ready_after, failback_after;
  while (SteadyClock::now() - healed < 60s && !failback_after) {
    auto health = observe_all();
    if (!ready_after && health[1].reading.state == SiteHealthState::kReady) {
      ready_after = Seconds(SteadyClock::now() - healed);
    }
    if (events.size() > 1) failback_after = Seconds(SteadyClock::now() - healed);
    std::this_thread::sleep_for(250ms);
  }
  ASSERT_TRUE(ready_after) << "douala never became Ready again within 60 s of the heal";
  Measure("heal -> douala Ready", *ready_after);
  ASSERT_TRUE(failback_after) << "no FailbackStarted within 60 s of the heal";
  Measure("heal -> FailbackStarted (hold-down 3 s)", *failback_after);
  EXPECT_EQ(events[1].kind, reconciler::FailoverEventKind::kFailbackStarted);
  EXPECT_TRUE(failover.Active().empty());
  applied = Converge(*manager_, reconciler::ApplyFailover(desired, failover.Active()).desired);
  ASSERT_TRUE(applied.ok()) << applied.ToString();
  EXPECT_TRUE(WaitRunning(*manager_, "api-yaounde", 1, 60s)) << "api-yaounde did not return to 1 replica";
  EXPECT_TRUE(WaitRunning(*manager_, "api-douala", 1, 60s)) << "api-douala does not run again";
  auto douala = tracker.Get("douala");
  ASSERT_TRUE(douala);
  EXPECT_EQ(douala->reading.state, SiteHealthState::kReady);
}

// ------------------------------------------------------------------------------------ leader lease
// An Engine whose config calls fail while `cut` is set: a replica that lost its link to the managers.
class CuttableEngine : public engine::CountingEngine {
 public:
  explicit CuttableEngine(std::unique_ptr<engine::Engine> inner) : CountingEngine(std::move(inner)) {}
  StatusOr<engine::Config> InspectConfig(const std::string& id) override {
    if (cut) return UnavailableError("link cut by the test");
    return CountingEngine::InspectConfig(id);
  }
  Status UpdateConfig(const std::string& id, uint64_t version, const engine::ConfigSpec& spec) override {
    if (cut) return UnavailableError("link cut by the test");
    return CountingEngine::UpdateConfig(id, version, spec);
  }
  StatusOr<std::string> CreateConfig(const engine::ConfigSpec& spec) override {
    if (cut) return UnavailableError("link cut by the test");
    return CountingEngine::CreateConfig(spec);
  }
  std::atomic<bool> cut{false};
};

struct Replica {
  std::unique_ptr<CuttableEngine> engine;
  std::unique_ptr<reconciler::LeaderLease> lease;
  std::unique_ptr<reconciler::LeaderElector> elector;
  std::atomic<int64_t> started_ns{0}, stopped_ns{0};  // steady clock, last start/stop of leading
};

int64_t NowNs() { return SteadyClock::now().time_since_epoch().count(); }

class LeaseRace : public StretchedSites {
 protected:
  void SetUp() override {
    StretchedSites::SetUp();
    options_.name = "swarmop-leader-lease-it" + std::to_string(::getpid());
    options_.duration = 3000ms;
    options_.renew_deadline = 2000ms;
    options_.retry_period = 250ms;
    ASSERT_TRUE(reconciler::ValidateLeaseOptions([&] {
                  auto o = options_;
                  o.holder = "x";
                  return o;
                }())
                    .ok());
  }
  void TearDown() override {
    for (auto& r : replicas_) r->elector->Stop(false);
    if (manager_) (void)manager_->RemoveConfig(options_.name);
  }

  Replica& AddReplica(const std::string& holder) {
    auto r = std::make_unique<Replica>();
    r->engine = std::make_unique<CuttableEngine>(MustConnect(bed_->DockerHost("cloud")));
    auto options = options_;
    options.holder = holder;
    r->lease = std::make_unique<reconciler::LeaderLease>(*r->engine, options);
    Replica* raw = r.get();
    r->elector = std::make_unique<reconciler::LeaderElector>(
        *r->lease, reconciler::LeaderCallbacks{[raw] { raw->started_ns = NowNs(); },
                                               [raw] { raw->stopped_ns = NowNs(); }, nullptr});
    replicas_.push_back(std::move(r));
    return *replicas_.back();
  }

  // Samples every replica's IsLeading for `how_long`; fails on two leaders at once. Returns the leader.
  Replica* WatchForOneLeader(std::chrono::milliseconds how_long) {
    Replica* leader = nullptr;
    auto end = SteadyClock::now() + how_long;
    while (SteadyClock::now() < end) {
      int leading = 0;
      for (auto& r : replicas_) {
        if (r->lease->IsLeading()) {
          ++leading;
          leader = r.get();
        }
      }
      EXPECT_LE(leading, 1) << "two replicas lead at once";
      if (leading > 1) return nullptr;
      std::this_thread::sleep_for(5ms);
    }
    return leader;
  }

  std::string Holder() {
    auto config = manager_->InspectConfig(options_.name);
    EXPECT_TRUE(config.ok()) << config.status().ToString();
    return config.ok() ? config->spec.labels[reconciler::lease_labels::kHolder] : "";
  }

  reconciler::LeaseOptions options_;
  std::vector<std::unique_ptr<Replica>> replicas_;
};

TEST_F(LeaseRace, ExactlyOneOfThreeRacingReplicasLeadsAndACutLeaderIsReplacedInBoundedTime) {
  for (const char* holder : {"replica-a", "replica-b", "replica-c"}) AddReplica(holder);
  for (auto& r : replicas_) r->elector->Start();  // all at once: they race to create the lease
  Replica* first = WatchForOneLeader(2000ms);
  ASSERT_NE(first, nullptr) << "nobody leads after 2 s";
  EXPECT_EQ(Holder(), first->lease->options().holder);

  // Cut the leader off: it cannot renew. It must stop leading (renew deadline) before anyone else starts,
  // and another replica must take over within duration + retry period (+ request latency).
  first->engine->cut = true;
  int64_t cut_ns = NowNs();
  Replica* second = nullptr;
  auto deadline = SteadyClock::now() + 10s;
  while (SteadyClock::now() < deadline && !second) {
    Replica* now = WatchForOneLeader(20ms);
    if (now && now != first) second = now;
  }
  ASSERT_NE(second, nullptr) << "nobody took over within 10 s";
  double takeover = (second->started_ns - cut_ns) / 1e9;
  double old_stopped = (first->stopped_ns - cut_ns) / 1e9;
  Measure("leader cut -> old leader stops acting", old_stopped);
  Measure("leader cut -> new leader (lease 3 s, renew deadline 2 s, retry 0.25 s)", takeover);
  EXPECT_GT(first->stopped_ns.load(), 0);
  EXPECT_LT(first->stopped_ns.load(), second->started_ns.load()) << "the deposed leader stopped too late";
  EXPECT_LE(takeover, 3.0 + 0.25 + 1.0);
  EXPECT_EQ(Holder(), second->lease->options().holder);

  // The old leader comes back: it finds itself deposed and stays a follower.
  first->engine->cut = false;
  EXPECT_EQ(WatchForOneLeader(1500ms), second);
  EXPECT_FALSE(first->lease->IsLeading());
}

TEST_F(LeaseRace, AStaleVersionIsRejectedByTheEngine) {
  auto created = manager_->CreateConfig({options_.name, {{"io.swarmop.lease.holder", ""}}, "lease", ""});
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  auto config = manager_->InspectConfig(*created);
  ASSERT_TRUE(config.ok());
  engine::ConfigSpec spec{options_.name, {{"io.swarmop.lease.holder", "first"}}, "", ""};
  ASSERT_TRUE(manager_->UpdateConfig(config->id, config->version, spec).ok());
  spec.labels["io.swarmop.lease.holder"] = "second";
  Status stale = manager_->UpdateConfig(config->id, config->version, spec);
  EXPECT_EQ(stale.code(), Code::kAborted) << stale.ToString();
  EXPECT_EQ(Holder(), "first");
}

}  // namespace
}  // namespace swarmop::sites_it
