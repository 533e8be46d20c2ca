// Site health from nodes (stretched) and from engine probes (separate), and its transition times.
#include <gtest/gtest.h>

#include "sites_fixtures.h"
#include "swarmop/reconciler/sites/site_health.h"
#include "swarmop/reconciler/testing/fake_clock.h"

namespace swarmop::reconciler {
namespace {

using sites_test::MakeNode;

struct StretchedCase {
  const char* name;
  std::vector<engine::Node> nodes;
  SiteHealthState want;
  const char* want_reason;
};

class StretchedSiteHealth : public ::testing::TestWithParam<StretchedCase> {};

TEST_P(StretchedSiteHealth, FollowsTheSitesNodes) {
  const StretchedCase& c = GetParam();
  SiteHealthReading reading = EvaluateStretchedSite({{"site", "douala"}}, c.nodes);
  EXPECT_EQ(SiteHealthName(reading.state), std::string(SiteHealthName(c.want)));
  EXPECT_EQ(reading.reason, c.want_reason);
}

INSTANTIATE_TEST_SUITE_P(
    Table, StretchedSiteHealth,
    ::testing::Values(StretchedCase{"EveryNodeReadyIsReady",
                                    {MakeNode("d1", "douala", "ready"), MakeNode("d2", "douala", "ready")},
                                    SiteHealthState::kReady,
                                    "2/2 nodes ready"},
                      StretchedCase{"SomeNodesDownIsDegraded",
                                    {MakeNode("d1", "douala", "ready"), MakeNode("d2", "douala", "down")},
                                    SiteHealthState::kDegraded,
                                    "1/2 nodes ready: d2 down"},
                      StretchedCase{
                          "NoNodeReadyIsUnreachable",
                          {MakeNode("d1", "douala", "down"), MakeNode("d2", "douala", "disconnected")},
                          SiteHealthState::kUnreachable,
                          "0/2 nodes ready: d1 down, d2 disconnected"},
                      StretchedCase{"NoMatchingNodeIsUnreachable",
                                    {MakeNode("y1", "yaounde", "ready")},
                                    SiteHealthState::kUnreachable,
                                    "no node matches the site's nodeSelector"},
                      StretchedCase{"OtherSitesNodesDoNotCount",
                                    {MakeNode("d1", "douala", "ready"), MakeNode("y1", "yaounde", "down")},
                                    SiteHealthState::kReady,
                                    "1/1 nodes ready"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(NodeMatchesSelector, EmptySelectorMatchesNoNode) {
  EXPECT_FALSE(NodeMatchesSelector(MakeNode("d1", "douala", "ready"), {}));
}

TEST(NodeMatchesSelector, EveryLabelMustMatch) {
  engine::Node node = MakeNode("d1", "douala", "ready");
  node.spec.labels["zone"] = "a";
  EXPECT_TRUE(NodeMatchesSelector(node, {{"site", "douala"}, {"zone", "a"}}));
  EXPECT_FALSE(NodeMatchesSelector(node, {{"site", "douala"}, {"zone", "b"}}));
}

TEST(SeparateSiteHealth, AnsweringEngineIsReady) {
  EXPECT_EQ(EvaluateSeparateSite(Status::Ok()).state, SiteHealthState::kReady);
}

TEST(SeparateSiteHealth, SilentEngineIsUnreachableWithTheReason) {
  SiteHealthReading reading = EvaluateSeparateSite(TimeoutError("ping tcp://10.0.0.1:2376"));
  EXPECT_EQ(reading.state, SiteHealthState::kUnreachable);
  EXPECT_NE(reading.reason.find("ping tcp://10.0.0.1:2376"), std::string::npos) << reading.reason;
}

TEST(SiteHealthTracker, FirstObservationIsATransition) {
  FakeClock clock;
  SiteHealthTracker tracker(clock);
  SiteHealth health = tracker.Observe("douala", EvaluateSeparateSite(Status::Ok()));
  EXPECT_EQ(health.last_transition, clock.WallNow());
  EXPECT_EQ(health.since, clock.Now());
}

TEST(SiteHealthTracker, SameStateKeepsTheTransitionTimeButTakesTheNewReason) {
  FakeClock clock;
  SiteHealthTracker tracker(clock);
  auto first = tracker.Observe("douala", {SiteHealthState::kDegraded, "1/3 nodes ready", 1, 3});
  clock.Advance(std::chrono::seconds(5));
  auto second = tracker.Observe("douala", {SiteHealthState::kDegraded, "2/3 nodes ready", 2, 3});
  EXPECT_EQ(second.last_transition, first.last_transition);
  EXPECT_EQ(second.reading.reason, "2/3 nodes ready");
}

TEST(SiteHealthTracker, StateChangeMovesTheTransitionTime) {
  FakeClock clock;
  SiteHealthTracker tracker(clock);
  tracker.Observe("douala", {SiteHealthState::kReady, "", 1, 1});
  clock.Advance(std::chrono::seconds(7));
  auto health = tracker.Observe("douala", {SiteHealthState::kUnreachable, "", 0, 1});
  EXPECT_EQ(health.since, clock.Now());
  EXPECT_EQ(tracker.Get("douala")->reading.state, SiteHealthState::kUnreachable);
}

TEST(SiteHealthTracker, AllIsSortedBySiteAndForgetDropsOne) {
  FakeClock clock;
  SiteHealthTracker tracker(clock);
  tracker.Observe("yaounde", {});
  tracker.Observe("douala", {});
  tracker.Observe("cloud", {});
  tracker.Forget("douala");
  auto all = tracker.All();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].site, "cloud");
  EXPECT_EQ(all[1].site, "yaounde");
  EXPECT_FALSE(tracker.Get("douala").has_value());
}

}  // namespace
}  // namespace swarmop::reconciler
