// SiteMonitor ticks (nodes from a fake engine, separate sites through a fake connector, a fake clock)
// and the sites table and metrics built from its snapshot.
#include <gtest/gtest.h>

#include "fake_engine.h"
#include "sites_fixtures.h"
#include "swarmop/reconciler/sites/site_monitor.h"
#include "swarmop/reconciler/sites/site_report.h"
#include "swarmop/reconciler/testing/fake_clock.h"

namespace swarmop::reconciler {
namespace {

using sites_test::MakeNode;
using std::chrono::seconds;

// A FakeEngine whose node list the test sets directly (states included).
class NodesEngine : public testing::FakeEngine {
 public:
  StatusOr<std::vector<engine::Node>> ListNodes(const engine::ListFilter&) override {
    if (!list_error.ok()) return list_error;
    return nodes;
  }
  std::vector<engine::Node> nodes;
  Status list_error;
};

class SiteMonitorTest : public ::testing::Test {
 protected:
  SiteMonitorTest() {
    desired_ = testsupport::ThreeStretchedSites();
    engine_.nodes = {MakeNode("cloud", "cloud", "ready", "manager"), MakeNode("douala", "douala", "ready"),
                     MakeNode("yaounde", "yaounde", "ready")};
  }

  std::unique_ptr<SiteMonitor> Monitor() {
    SiteMonitorOptions options;
    options.on_health_change = [this](const std::string& site) { changed_.push_back(site); };
    options.failover = {seconds(60), seconds(120)};
    options.connect = [this](const engine::Endpoint& ep) -> StatusOr<std::unique_ptr<engine::Engine>> {
      if (dark_) return TimeoutError("connect " + ep.ToString());
      return std::unique_ptr<engine::Engine>(new testing::FakeEngine());
    };
    return std::make_unique<SiteMonitor>(
        engine_, [this]() -> StatusOr<crds::DesiredState> { return desired_; }, options,
        [this](const FailoverEvent& e) { events_.push_back(e.message); }, clock_);
  }

  void SetState(const std::string& node, const std::string& state) {
    for (auto& n : engine_.nodes) {
      if (n.hostname == node) n.state = state;
    }
  }

  const SiteHealth* Find(const SiteSnapshot& s, const std::string& site) {
    for (const auto& h : s.health) {
      if (h.site == site) return &h;
    }
    return nullptr;
  }

  NodesEngine engine_;
  FakeClock clock_;
  crds::DesiredState desired_;
  std::vector<std::string> events_;
  std::vector<std::string> changed_;  // on_health_change, in order
  bool dark_ = false;
};

TEST_F(SiteMonitorTest, ATickJudgesEveryStretchedSiteFromTheNodes) {
  auto monitor = Monitor();
  SetState("douala", "down");
  ASSERT_TRUE(monitor->Tick().ok());
  SiteSnapshot s = monitor->Snapshot();
  ASSERT_EQ(s.health.size(), 3u);
  EXPECT_EQ(Find(s, "douala")->reading.state, SiteHealthState::kUnreachable);
  EXPECT_EQ(Find(s, "yaounde")->reading.state, SiteHealthState::kReady);
  ASSERT_TRUE(s.placement.has_value());
  EXPECT_FALSE(s.placement->survives_cloud_loss);
}

TEST_F(SiteMonitorTest, EverySiteIsAnnouncedOnceFirstJudgedThenOnlyWhenItsHealthChanges) {
  auto monitor = Monitor();
  ASSERT_TRUE(monitor->Tick().ok());
  EXPECT_EQ(changed_, (std::vector<std::string>{"cloud", "douala", "yaounde"}));
  changed_.clear();
  ASSERT_TRUE(monitor->Tick().ok());
  EXPECT_TRUE(changed_.empty()) << "a steady round announces nothing";
  SetState("douala", "down");
  ASSERT_TRUE(monitor->Tick().ok());
  ASSERT_TRUE(monitor->Tick().ok());
  EXPECT_EQ(changed_, (std::vector<std::string>{"douala"})) << "once, when it went Unreachable";
  SetState("douala", "ready");
  ASSERT_TRUE(monitor->Tick().ok());
  EXPECT_EQ(changed_, (std::vector<std::string>{"douala", "douala"}));
}

TEST_F(SiteMonitorTest, ASiteDarkForTheGracePeriodFailsOverOnceAndComesBackAfterTheHoldDown) {
  auto monitor = Monitor();
  SetState("douala", "down");
  for (int i = 0; i <= 12; ++i, clock_.Advance(seconds(5))) ASSERT_TRUE(monitor->Tick().ok());
  EXPECT_EQ(monitor->Active(), (std::vector<ActiveFailover>{{"douala", "yaounde"}}));
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(events_[0], "FailoverStarted: yaounde takes over douala (Unreachable for 60s)");

  SetState("douala", "ready");
  for (int i = 0; i <= 24; ++i, clock_.Advance(seconds(5))) ASSERT_TRUE(monitor->Tick().ok());
  EXPECT_TRUE(monitor->Active().empty());
  ASSERT_EQ(events_.size(), 2u);
  SiteSnapshot s = monitor->Snapshot();
  EXPECT_EQ(s.failovers, 1u);
  EXPECT_EQ(s.failbacks, 1u);
  EXPECT_EQ(s.recent_events.size(), 2u);
}

TEST_F(SiteMonitorTest, TheOperatorsOwnBlindnessNeverFailsASiteOver) {
  auto monitor = Monitor();
  ASSERT_TRUE(monitor->Tick().ok());
  engine_.list_error = UnavailableError("local engine down");
  for (int i = 0; i < 40; ++i, clock_.Advance(seconds(5))) ASSERT_TRUE(monitor->Tick().ok());
  EXPECT_TRUE(monitor->Active().empty());
  EXPECT_EQ(Find(monitor->Snapshot(), "douala")->reading.state, SiteHealthState::kReady);
}

TEST_F(SiteMonitorTest, SeparateSitesAreProbed) {
  desired_.sites[0].spec.node_selector.clear();
  desired_.sites[0].spec.engine = crds::EngineEndpoint{"tcp://10.0.0.1:2375", std::nullopt};
  auto monitor = Monitor();
  ASSERT_TRUE(monitor->Tick().ok());
  EXPECT_EQ(Find(monitor->Snapshot(), "cloud")->reading.state, SiteHealthState::kReady);
  dark_ = true;
  ASSERT_TRUE(monitor->Tick().ok());  // the cached connection answers: the fake engine stays up
  monitor = Monitor();
  ASSERT_TRUE(monitor->Tick().ok());
  EXPECT_EQ(Find(monitor->Snapshot(), "cloud")->reading.state, SiteHealthState::kUnreachable);
}

TEST_F(SiteMonitorTest, ASiteRemovedFromTheSpecsIsForgotten) {
  auto monitor = Monitor();
  ASSERT_TRUE(monitor->Tick().ok());
  desired_.sites.pop_back();
  ASSERT_TRUE(monitor->Tick().ok());
  EXPECT_EQ(Find(monitor->Snapshot(), "yaounde"), nullptr);
}

TEST_F(SiteMonitorTest, UnreadableSpecsAreAnErrorAndChangeNothing) {
  auto monitor = std::make_unique<SiteMonitor>(
      engine_, []() -> StatusOr<crds::DesiredState> { return UnavailableError("no specs"); });
  EXPECT_FALSE(monitor->Tick().ok());
  EXPECT_TRUE(monitor->Snapshot().health.empty());
}

TEST_F(SiteMonitorTest, TheTableShowsHealthFailoverAndPlacementWarnings) {
  auto monitor = Monitor();
  SetState("douala", "down");
  for (int i = 0; i <= 12; ++i, clock_.Advance(seconds(5))) ASSERT_TRUE(monitor->Tick().ok());
  std::string table = FormatSitesTable(monitor->Snapshot());
  EXPECT_NE(
      table.find("douala      Unreachable  2026-01-01T00:00:00Z  yaounde takes over    0/1 nodes ready: "
                 "douala down"),
      std::string::npos)
      << table;
  EXPECT_NE(table.find("carries douala"), std::string::npos) << table;
  EXPECT_NE(table.find("warning: this layout cannot survive the loss of the cloud"), std::string::npos)
      << table;
}

TEST_F(SiteMonitorTest, MetricsGiveOneHealthLinePerStateAndTheFailoverCounters) {
  auto monitor = Monitor();
  SetState("douala", "down");
  for (int i = 0; i <= 12; ++i, clock_.Advance(seconds(5))) ASSERT_TRUE(monitor->Tick().ok());
  std::string text = SiteMetricsText(monitor->Snapshot());
  for (const char* line : {"swarmop_site_health{site=\"douala\",state=\"Unreachable\"} 1\n",
                           "swarmop_site_health{site=\"douala\",state=\"Ready\"} 0\n",
                           "swarmop_site_last_transition_timestamp_seconds{site=\"douala\"} 1767225600\n",
                           "swarmop_site_failed_over{site=\"douala\",partner=\"yaounde\"} 1\n",
                           "swarmop_failovers_total 1\n", "swarmop_failbacks_total 0\n"}) {
    EXPECT_NE(text.find(line), std::string::npos) << line << "\n" << text;
  }
}

}  // namespace
}  // namespace swarmop::reconciler
