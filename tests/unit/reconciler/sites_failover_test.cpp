// The failover state machine of one (site, partner) pair, and the tracker over every Site: grace before a
// failover, hold-down before a failback, no flapping.
#include <gtest/gtest.h>

#include "sites_fixtures.h"
#include "swarmop/reconciler/sites/failover.h"

namespace swarmop::reconciler {
namespace {

using std::chrono::seconds;
constexpr auto R = SiteHealthState::kReady;
constexpr auto D = SiteHealthState::kDegraded;
constexpr auto U = SiteHealthState::kUnreachable;

const Clock::TimePoint kStart = Clock::TimePoint{} + std::chrono::hours(1);
const FailoverTiming kTiming{seconds(60), seconds(120)};

struct Step {
  int at_seconds;
  SiteHealthState health;
};

struct MachineCase {
  const char* name;
  std::vector<Step> steps;
  std::vector<std::string> want_events;  // "<seconds> <event name>"
  bool want_failed_over;
};

std::vector<Step> Bouncing(int every, int until) {
  std::vector<Step> steps;
  for (int t = 0; t <= until; t += every) steps.push_back({t, (t / every) % 2 ? R : U});
  return steps;
}

class FailoverMachineTable : public ::testing::TestWithParam<MachineCase> {};

TEST_P(FailoverMachineTable, EmitsExactlyTheseEvents) {
  const MachineCase& c = GetParam();
  FailoverMachine machine("douala", "yaounde", kTiming);
  std::vector<std::string> events;
  for (const Step& step : c.steps) {
    auto event = machine.Observe(step.health, kStart + seconds(step.at_seconds));
    if (event) {
      events.push_back(std::to_string(step.at_seconds) + " " + FailoverEventName(event->kind));
      EXPECT_EQ(event->site, "douala");
      EXPECT_EQ(event->partner, "yaounde");
    }
  }
  EXPECT_EQ(events, c.want_events);
  EXPECT_EQ(machine.failed_over(), c.want_failed_over);
}

INSTANTIATE_TEST_SUITE_P(
    Table, FailoverMachineTable,
    ::testing::Values(
        MachineCase{"AnOutageShorterThanTheGracePeriodDoesNothing",
                    {{0, U}, {30, U}, {40, R}, {50, U}, {100, U}},
                    {},
                    false},
        MachineCase{"AnOutageThatLastsTheGracePeriodFailsOver",
                    {{0, R}, {10, U}, {40, U}, {70, U}, {80, U}},
                    {"70 FailoverStarted"},
                    true},
        MachineCase{"ObservationsFarApartCountTheOutageFromItsFirstSighting",
                    {{0, U}, {61, U}},
                    {"61 FailoverStarted"},
                    true},
        MachineCase{"ADegradedSiteKeepsItsLoad", {{0, D}, {600, D}}, {}, false},
        MachineCase{"ALinkBouncingFasterThanTheGracePeriodNeverFailsOver", Bouncing(20, 600), {}, false},
        MachineCase{"RecoveryMustHoldForTheWholeHoldDownBeforeFailback",
                    {{0, U}, {60, U}, {100, R}, {219, R}, {220, R}},
                    {"60 FailoverStarted", "220 FailbackStarted"},
                    false},
        MachineCase{"ARelapseDuringHoldDownRestartsIt",
                    {{0, U}, {60, U}, {100, R}, {200, U}, {210, R}, {329, R}, {330, R}},
                    {"60 FailoverStarted", "330 FailbackStarted"},
                    false},
        MachineCase{"ALinkBouncingAfterFailoverNeverFailsBack",
                    [] {
                      std::vector<Step> s{{0, U}, {60, U}};
                      for (int t = 70; t < 1000; t += 20) s.push_back({t, (t / 20) % 2 ? R : U});
                      return s;
                    }(),
                    {"60 FailoverStarted"},
                    true},
        MachineCase{"ADegradedSiteDoesNotTakeItsLoadBack",
                    {{0, U}, {60, U}, {100, D}, {400, D}},
                    {"60 FailoverStarted"},
                    true},
        MachineCase{"AfterFailbackANewOutageWaitsTheWholeGraceAgain",
                    {{0, U}, {60, U}, {100, R}, {220, R}, {230, U}, {289, U}, {290, U}},
                    {"60 FailoverStarted", "220 FailbackStarted", "290 FailoverStarted"},
                    true}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(FailoverMachine, EventsSayWhatHappenedAndHowLong) {
  FailoverMachine machine("douala", "yaounde", kTiming);
  machine.Observe(U, kStart);
  auto event = machine.Observe(U, kStart + seconds(60));
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(event->message, "FailoverStarted: yaounde takes over douala (Unreachable for 60s)");
  machine.Observe(R, kStart + seconds(70));
  event = machine.Observe(R, kStart + seconds(190));
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(event->message, "FailbackStarted: douala takes its load back from yaounde (Ready for 120s)");
}

SiteHealth Health(const std::string& site, SiteHealthState state) {
  return {site, {state, "", 0, 0}, {}, {}};
}

TEST(FailoverTracker, OnlySitesWithAPartnerFailOver) {
  FailoverTracker tracker(kTiming);
  crds::DesiredState desired = testsupport::ThreeStretchedSites();
  std::vector<SiteHealth> dark = {Health("cloud", U), Health("douala", U), Health("yaounde", R)};
  EXPECT_TRUE(tracker.Update(desired, dark, kStart).empty());
  auto events = tracker.Update(desired, dark, kStart + seconds(60));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].site, "douala");
  EXPECT_EQ(tracker.Active(), (std::vector<ActiveFailover>{{"douala", "yaounde"}}));
}

TEST(FailoverTracker, ASiteWithoutAHealthReadingIsNotJudged) {
  FailoverTracker tracker(kTiming);
  crds::DesiredState desired = testsupport::ThreeStretchedSites();
  tracker.Update(desired, {Health("douala", U)}, kStart);
  tracker.Update(desired, {}, kStart + seconds(30));
  EXPECT_EQ(tracker.Update(desired, {Health("douala", U)}, kStart + seconds(60)).size(), 1u);
}

TEST(FailoverTracker, ASiteRemovedFromTheSpecsEndsItsFailoverSilently) {
  FailoverTracker tracker(kTiming);
  crds::DesiredState desired = testsupport::ThreeStretchedSites();
  tracker.Update(desired, {Health("douala", U)}, kStart);
  tracker.Update(desired, {Health("douala", U)}, kStart + seconds(60));
  ASSERT_EQ(tracker.Active().size(), 1u);
  desired.sites.erase(desired.sites.begin() + 1);  // douala
  EXPECT_TRUE(tracker.Update(desired, {}, kStart + seconds(61)).empty());
  EXPECT_TRUE(tracker.Active().empty());
}

TEST(FailoverTracker, ANewPartnerStartsAFreshMachine) {
  FailoverTracker tracker(kTiming);
  crds::DesiredState desired = testsupport::ThreeStretchedSites();
  tracker.Update(desired, {Health("douala", U)}, kStart);
  desired.sites[1].spec.failover = "cloud";
  EXPECT_TRUE(tracker.Update(desired, {Health("douala", U)}, kStart + seconds(60)).empty());
  auto events = tracker.Update(desired, {Health("douala", U)}, kStart + seconds(120));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].partner, "cloud");
}

}  // namespace
}  // namespace swarmop::reconciler
