// Sites across swarms on real multi-node test beds (started here, always torn down):
//   - stretched layout (one swarm, manager at cloud): site health from real nodes through a partition and
//     its heal, failover/failback events from those readings, the manager placement warning, and the
//     leader lease raced by several clients on the real engine (CAS on the config version);
//   - separate layout (three swarms): the cloud engine partitioned is Unreachable while douala and yaounde
//     answer, and its slow probe does not slow theirs; one in-process Operator whose specs live in the
//     cloud swarm reconciles a Service onto the douala and yaounde swarms (tasks on those swarms' nodes),
//     keeps them through a cloud partition (and still repairs them then), and converges without
//     duplicates on heal.
// Measured times are printed as "[measure] ..." lines.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <iostream>
#include <optional>
#include <thread>

#include "swarmop/engine/counting_engine.h"
#include "swarmop/engine/engine.h"
#include "swarmop/reconciler/controller/operator.h"
#include "swarmop/reconciler/core/apply.h"
#include "swarmop/reconciler/core/core.h"
#include "swarmop/reconciler/core/labels.h"
#include "swarmop/reconciler/replication/plan_estate.h"
#include "swarmop/reconciler/sites/failover.h"
#include "swarmop/reconciler/sites/leader_elector.h"
#include "swarmop/reconciler/sites/leader_lease.h"
#include "swarmop/reconciler/sites/quorum.h"
#include "swarmop/reconciler/sites/site_engines.h"
#include "swarmop/reconciler/sites/site_health.h"
#include "swarmop/reconciler/store/spec_store.h"
#include "tcp_forwarder.h"
#include "testbed.h"

namespace swarmop::sites_it {
namespace {

using namespace std::chrono_literals;
using reconciler::SiteHealthState;
using SteadyClock = std::chrono::steady_clock;

double Seconds(SteadyClock::duration d) { return std::chrono::duration<double>(d).count(); }

void Measure(const std::string& what, double seconds) {
  std::cout << "[measure] " << what << ": " << seconds << " s" << std::endl;
}

std::unique_ptr<engine::Engine> MustConnect(const std::string& docker_host) {
  auto endpoint = engine::ParseDockerHost(docker_host);
  EXPECT_TRUE(endpoint.ok()) << endpoint.status().ToString();
  if (!endpoint.ok()) return nullptr;
  endpoint->request_timeout = 5s;
  auto engine = engine::Connect(*endpoint);
  EXPECT_TRUE(engine.ok()) << engine.status().ToString();
  return engine.ok() ? std::move(engine).value() : nullptr;
}

crds::Site Site(const std::string& name, const std::string& partner, crds::SiteRole role) {
  crds::Site site;
  site.metadata.name = name;
  site.spec.role = role;
  site.spec.node_selector = {{"site", name}};
  site.spec.failover = partner;
  return site;
}

crds::DesiredState StretchedEstate() {
  crds::DesiredState desired;
  desired.sites = {Site("cloud", "", crds::SiteRole::kCloud),
                   Site("douala", "yaounde", crds::SiteRole::kEdge),
                   Site("yaounde", "douala", crds::SiteRole::kEdge)};
  return desired;
}

crds::Service SleepService(const std::string& name, crds::FailoverPolicy policy) {
  crds::Service service;
  service.metadata.name = name;
  service.spec.image = "local/busybox:1";
  service.spec.command = {"sleep", "3600"};
  service.spec.failover = policy;
  service.spec.sites["douala"].replicas = 1;
  service.spec.sites["yaounde"].replicas = 1;
  return service;
}

// douala/yaounde partners with a takeover Service (api) and a stay Service (front) at both.
crds::DesiredState StretchedEstateWithServices() {
  crds::DesiredState desired = StretchedEstate();
  desired.services = {SleepService("api", crds::FailoverPolicy::kTakeover),
                      SleepService("front", crds::FailoverPolicy::kStay)};
  return desired;
}

// Plans and applies `desired` on the real swarm, as the controller would.
Status Converge(engine::Engine& engine, const crds::DesiredState& desired) {
  auto planned = reconciler::PlanEstate(engine, desired);
  if (!planned.ok()) return planned.status();
  return reconciler::ApplyPlan(engine, planned->plan).FirstError();
}

// Replicas the swarm service asks for, and how many of its tasks run.
std::pair<uint64_t, int> ReplicasAndRunning(engine::Engine& engine, const std::string& service) {
  auto inspected = engine.InspectService(service);
  if (!inspected.ok()) return {0, -1};
  auto tasks = engine.ListTasks({service, "running", std::nullopt, {}});
  int running = 0;
  if (tasks.ok()) {
    for (const auto& task : *tasks) running += task.status.state == "running" ? 1 : 0;
  }
  return {inspected->spec.mode.replicas, running};
}

// ------------------------------------------------------------------------------------ stretched layout
// One stretched bed for the health and lease suites, started on first use and taken down before the
// separate layout starts (two beds at once would slow both on 2 cores).
std::unique_ptr<TestBed> g_stretched;
std::string g_stretched_error;

TestBed* StretchedBed() {
  if (!g_stretched && g_stretched_error.empty()) {
    auto bed = TestBed::Up("stretched");
    if (!bed.ok()) {
      g_stretched_error = bed.status().ToString();
      return nullptr;
    }
    g_stretched = std::move(bed).value();
    Measure("stretched 3-node test bed up", g_stretched->up_seconds());
  }
  return g_stretched.get();
}

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
  auto placement = reconciler::CheckManagerPlacement(StretchedEstate(), *nodes);
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
  EXPECT_EQ(stale.code(), Code::kOutOfSequence) << stale.ToString();
  EXPECT_EQ(Holder(), "first");
}

// ------------------------------------------------------------------------------------ separate layout
class SeparateSites : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    g_stretched.reset();  // down before the next bed starts
    auto bed = TestBed::Up("separate");
    if (!bed.ok()) {
      up_error_ = bed.status().ToString();
      return;
    }
    bed_ = std::move(bed).value();
    Measure("separate 3-swarm test bed up", bed_->up_seconds());
  }
  static void TearDownTestSuite() {
    forwarders_.clear();
    bed_.reset();
  }

  // Each site's engine on <ip>:2375 in its namespace, reached from douala's namespace through a
  // listener on 127.0.0.1 here: the operator sits at douala and talks TCP across the underlay.
  void SetUp() override {
    ASSERT_TRUE(bed_) << "the 3-node separate test bed did not start: " << up_error_;
    if (!forwarders_.empty()) return;
    const std::string vantage = bed_->sites().at("douala").netns;
    for (const auto& [site, s] : bed_->sites()) {
      auto inner = TcpForwarder::Start(s.netns, s.ip, 2375, Upstream{s.socket, "", 0, ""});
      ASSERT_TRUE(inner.ok()) << inner.status().ToString();
      auto outer = TcpForwarder::Start("", "127.0.0.1", 0, Upstream{"", s.ip, 2375, vantage});
      ASSERT_TRUE(outer.ok()) << outer.status().ToString();
      ports_[site] = (*outer)->port();
      forwarders_.push_back(std::move(inner).value());
      forwarders_.push_back(std::move(outer).value());
    }
  }

  std::vector<reconciler::SiteEndpoint> Endpoints() {
    reconciler::SiteEngineOptions options;
    options.connect_timeout = 2s;
    options.request_timeout = 3s;
    std::vector<reconciler::SiteEndpoint> out;
    for (const auto& [site, port] : ports_) {
      crds::Site spec;
      spec.metadata.name = site;
      spec.spec.engine = crds::EngineEndpoint{"tcp://127.0.0.1:" + std::to_string(port), std::nullopt};
      auto endpoint = reconciler::SiteEndpointFor(spec, options);
      EXPECT_TRUE(endpoint.ok()) << endpoint.status().ToString();
      if (endpoint.ok()) out.push_back(*endpoint);
    }
    return out;
  }

  static inline std::unique_ptr<TestBed> bed_;
  static inline std::string up_error_;
  static inline std::vector<std::unique_ptr<TcpForwarder>> forwarders_;
  static inline std::map<std::string, uint16_t> ports_;
};

TEST_F(SeparateSites, EveryEngineAnswersOverTcp) {
  reconciler::SiteEngines engines(Endpoints());
  for (const auto& probe : engines.ProbeAll()) {
    EXPECT_TRUE(probe.status.ok()) << probe.site << ": " << probe.status.ToString();
    Measure("probe " + probe.site + " (healthy)", probe.latency.count() / 1000.0);
  }
  auto cloud = engines.EngineFor("cloud");
  ASSERT_TRUE(cloud.ok());
  auto info = (*cloud)->Info();
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->name, "cloud");
  EXPECT_EQ(info->swarm_state, "active");
}

TEST_F(SeparateSites, APartitionedCloudIsUnreachableWhileTheSitesAnswerPromptly) {
  reconciler::SiteEngines engines(Endpoints());
  for (const auto& probe : engines.ProbeAll()) ASSERT_TRUE(probe.status.ok()) << probe.site;  // connected

  ASSERT_TRUE(bed_->Partition("cloud").ok());
  auto start = SteadyClock::now();
  std::vector<reconciler::SiteProbe> probes = engines.ProbeAll();
  double all_took = Seconds(SteadyClock::now() - start);
  ASSERT_TRUE(bed_->Heal("cloud").ok());

  ASSERT_EQ(probes.size(), 3u);
  for (const auto& probe : probes) {
    auto reading = reconciler::EvaluateSeparateSite(probe.status);
    std::cout << "[probe] " << probe.site << " " << reconciler::SiteHealthName(reading.state) << " in "
              << probe.latency.count() << " ms: " << reading.reason << std::endl;
    if (probe.site == "cloud") {
      EXPECT_EQ(reading.state, SiteHealthState::kUnreachable);
      Measure("probe cloud (partitioned)", probe.latency.count() / 1000.0);
    } else {
      EXPECT_EQ(reading.state, SiteHealthState::kReady) << probe.site;
      EXPECT_LT(probe.latency, 1000ms) << probe.site << " waited for the dark cloud";
    }
  }
  Measure("ProbeAll with cloud partitioned", all_took);
  EXPECT_LT(all_took, 6.0) << "the dark site's probe must be bounded by its own timeouts";

  // Healed: the cloud answers again (a new connection, the failed one was dropped).
  auto deadline = SteadyClock::now() + 15s;
  Status cloud = UnavailableError("not probed");
  while (SteadyClock::now() < deadline && !cloud.ok()) {
    cloud = engines.Probe("cloud").status;
    if (!cloud.ok()) std::this_thread::sleep_for(250ms);
  }
  EXPECT_TRUE(cloud.ok()) << cloud.ToString();
}

// ------------------------------------------------------------------------------------ one operator, three
// swarms The operator's own swarm (where its specs are stored) is the cloud, reached over TCP like the sites;
// each Site names its engine. The Service runs at douala and yaounde only.
std::string SeparateEstateManifest(const std::map<std::string, uint16_t>& ports) {
  std::string out;
  for (const char* site : {"cloud", "douala", "yaounde"}) {
    out += std::string("apiVersion: swarmop.io/v1alpha1\nkind: Site\nmetadata:\n  name: ") + site +
           "\nspec:\n  role: " + (std::string(site) == "cloud" ? "cloud" : "edge") +
           "\n  engine: {host: \"tcp://127.0.0.1:" + std::to_string(ports.at(site)) + "\"}\n---\n";
  }
  out +=
      "apiVersion: swarmop.io/v1alpha1\nkind: Service\nmetadata:\n  name: app\nspec:\n"
      "  image: local/busybox:1\n  command: [sleep, \"3600\"]\n"
      "  sites:\n    douala: {replicas: 1}\n    yaounde: {replicas: 1}\n";
  return out;
}

// swarmop's services of Service "app" on one swarm: name -> ID (empty map when the engine fails).
std::map<std::string, std::string> AppServices(engine::Engine& engine) {
  std::map<std::string, std::string> out;
  auto listed = engine.ListServices(engine::ListFilter::Labels({{reconciler::labels::kOwnerName, "app"}}));
  if (!listed.ok()) return out;
  for (const auto& service : *listed) out[service.spec.name] = service.id;
  return out;
}

// The hostname of the node running `service`'s task, once one runs ("" before).
std::string RunningOn(engine::Engine& engine, const std::string& service) {
  auto tasks = engine.ListTasks({service, "running", std::nullopt, {}});
  if (!tasks.ok()) return "";
  for (const auto& task : *tasks) {
    if (task.status.state != "running" || task.node_id.empty()) continue;
    auto node = engine.InspectNode(task.node_id);
    if (node.ok()) return node->hostname;
  }
  return "";
}

std::optional<reconciler::SiteHealthState> HealthOf(reconciler::Operator& op, const std::string& site) {
  for (const auto& health : op.sites().Snapshot().health) {
    if (health.site == site) return health.reading.state;
  }
  return std::nullopt;
}

template <typename Pred>
std::optional<double> WaitFor(Pred pred, std::chrono::seconds limit) {
  auto start = SteadyClock::now();
  while (SteadyClock::now() - start < limit) {
    if (pred()) return Seconds(SteadyClock::now() - start);
    std::this_thread::sleep_for(250ms);
  }
  return std::nullopt;
}

TEST_F(SeparateSites, OneOperatorReconcilesEverySiteSwarmAndADarkCloudStallsNone) {
  std::map<std::string, std::unique_ptr<engine::Engine>> swarms;  // over the same TCP paths as the operator
  for (const auto& [site, port] : ports_) {
    auto endpoint = engine::ParseDockerHost("tcp://127.0.0.1:" + std::to_string(port));
    ASSERT_TRUE(endpoint.ok());
    endpoint->connect_timeout = 2s;
    endpoint->request_timeout = 3s;
    auto connected = engine::Connect(*endpoint);
    ASSERT_TRUE(connected.ok()) << site << ": " << connected.status().ToString();
    swarms[site] = std::move(connected).value();
  }
  engine::Engine& cloud = *swarms["cloud"];
  reconciler::SpecStore store(cloud);
  auto stored = store.Apply({{"separate.yaml", SeparateEstateManifest(ports_)}}, {});
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  ASSERT_TRUE(stored->plan.ok()) << (stored->plan.errors.empty() ? "" : stored->plan.errors[0].ToString());

  reconciler::OperatorOptions options;
  options.listen = "";
  options.controller.workers = 1;
  options.controller.resync = 5s;
  options.controller.backoff.base = 200ms;
  options.controller.backoff.cap = 2s;
  options.sites.interval = 1s;
  options.sites.engines.connect_timeout = 2s;
  options.sites.engines.request_timeout = 3s;
  auto started = reconciler::Operator::Start(cloud, options);
  ASSERT_TRUE(started.ok()) << started.status().ToString();
  std::unique_ptr<reconciler::Operator> op = std::move(started).value();

  // Services land on the nodes of their sites: app-douala on douala's swarm, app-yaounde on yaounde's.
  auto start = SteadyClock::now();
  for (const char* site : {"douala", "yaounde"}) {
    std::string name = std::string("app-") + site;
    auto ran = WaitFor([&] { return RunningOn(*swarms[site], name) == site; }, 90s);
    ASSERT_TRUE(ran) << name << " never ran on " << site << "'s node";
  }
  Measure("separate: operator start -> app runs on the douala and yaounde swarms",
          Seconds(SteadyClock::now() - start));
  EXPECT_EQ(AppServices(*swarms["douala"]).size(), 1u);
  EXPECT_EQ(AppServices(*swarms["yaounde"]).size(), 1u);
  EXPECT_TRUE(AppServices(cloud).empty()) << "a site's service landed on the cloud swarm";
  auto douala_before = AppServices(*swarms["douala"]);
  auto yaounde_before = AppServices(*swarms["yaounde"]);

  // The cloud (the operator's own swarm, where the specs are) goes dark.
  ASSERT_TRUE(bed_->Partition("cloud").ok());
  auto cut = SteadyClock::now();
  auto unreachable =
      WaitFor([&] { return HealthOf(*op, "cloud") == reconciler::SiteHealthState::kUnreachable; }, 30s);
  bool healed = false;
  auto heal = [&] {
    if (!healed) healed = bed_->Heal("cloud").ok();
  };
  if (!unreachable) heal();
  ASSERT_TRUE(unreachable) << "the cloud never became Unreachable";
  Measure("separate: cloud partitioned -> operator reports cloud Unreachable", *unreachable);
  EXPECT_EQ(HealthOf(*op, "douala"), reconciler::SiteHealthState::kReady);
  EXPECT_EQ(HealthOf(*op, "yaounde"), reconciler::SiteHealthState::kReady);
  // Several site resyncs with the specs unreadable: nothing removed, nothing replaced.
  std::this_thread::sleep_until(cut + 6s);  // the site loops resync every 5 s
  EXPECT_EQ(AppServices(*swarms["douala"]), douala_before)
      << "douala's service changed while the cloud was dark";
  EXPECT_EQ(AppServices(*swarms["yaounde"]), yaounde_before)
      << "yaounde's service changed while the cloud was dark";
  EXPECT_EQ(RunningOn(*swarms["douala"], "app-douala"), "douala");
  // The sites are still reconciled from the last specs loaded: a service removed by hand comes back.
  ASSERT_TRUE(swarms["yaounde"]->RemoveService("app-yaounde").ok());
  auto repaired = WaitFor([&] { return AppServices(*swarms["yaounde"]).size() == 1; }, 30s);
  EXPECT_TRUE(repaired) << "yaounde was not repaired while the cloud was dark";
  if (repaired) Measure("separate: cloud dark, app-yaounde removed by hand -> recreated", *repaired);
  EXPECT_EQ(HealthOf(*op, "cloud"), reconciler::SiteHealthState::kUnreachable);

  heal();
  ASSERT_TRUE(healed);
  auto ready = WaitFor([&] { return HealthOf(*op, "cloud") == reconciler::SiteHealthState::kReady; }, 30s);
  ASSERT_TRUE(ready) << "the cloud never became Ready again";
  Measure("separate: heal cloud -> Ready", *ready);
  // Converged without duplicates: exactly one app service per site swarm, none on the cloud, running.
  auto converged = WaitFor(
      [&] {
        return op->controller().EngineReachable() && RunningOn(*swarms["douala"], "app-douala") == "douala" &&
               RunningOn(*swarms["yaounde"], "app-yaounde") == "yaounde";
      },
      60s);
  ASSERT_TRUE(converged) << "not converged after the heal";
  std::this_thread::sleep_for(2s);  // a few more reconciles of every loop
  EXPECT_EQ(AppServices(*swarms["douala"]), douala_before);
  EXPECT_EQ(AppServices(*swarms["yaounde"]).size(), 1u);
  EXPECT_TRUE(AppServices(cloud).empty());
  for (const auto& state : op->site_reconcilers().States()) {
    std::cout << "[site loop] " << state.site << " at " << state.endpoint << ": ready=" << state.ready
              << " reachable=" << state.engine_reachable << " resyncs=" << state.resyncs << std::endl;
  }
  op->Stop();

  // Leave the swarms as found for other tests.
  for (const char* site : {"douala", "yaounde"})
    (void)swarms[site]->RemoveService(std::string("app-") + site);
}

}  // namespace
}  // namespace swarmop::sites_it

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  int rc = RUN_ALL_TESTS();
  swarmop::sites_it::g_stretched.reset();  // when the separate suite was filtered out
  return rc;
}
