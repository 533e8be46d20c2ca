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
#include "failover_e2e_harness.h"

namespace swarmop::sites_it {
namespace {

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
    auto sampler_engine = testsupport::ConnectEngine(bed_->DockerHost("cloud"));
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

}  // namespace
}  // namespace swarmop::sites_it
