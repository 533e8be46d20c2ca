// Sites across swarms on real multi-node test beds (started here, always torn down):
//   - separate layout (three swarms): the cloud engine partitioned is Unreachable while douala and yaounde
//     answer, and its slow probe does not slow theirs; one in-process Operator whose specs live in the
//     cloud swarm reconciles a Service onto the douala and yaounde swarms (tasks on those swarms' nodes),
//     keeps them through a cloud partition (and still repairs them then), and converges without
//     duplicates on heal.
// Measured times are printed as "[measure] ..." lines.
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <optional>
#include <thread>

#include "sites_fixtures.h"
#include "swarmop/engine/engine.h"
#include "swarmop/reconciler/controller/operator.h"
#include "swarmop/reconciler/core/labels.h"
#include "swarmop/reconciler/sites/site_engines.h"
#include "swarmop/reconciler/sites/site_health.h"
#include "swarmop/reconciler/store/spec_store.h"
#include "tcp_forwarder.h"  // tests/support

namespace swarmop::sites_it {
namespace {

using namespace std::chrono_literals;
using reconciler::SiteHealthState;
using testsupport::TcpForwarder;  // tests/support/tcp_forwarder.h
using testsupport::TestBed;       // tests/support/testbed.h
using testsupport::Upstream;

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
