// LeaderElector: the loop around LeaderLease, with real threads and short timings on the FakeEngine.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "fake_engine.h"
#include "swarmop/reconciler/sites/leader_elector.h"

namespace swarmop::reconciler {
namespace {

using std::chrono::milliseconds;

LeaseOptions Fast(const std::string& holder) {
  LeaseOptions options;
  options.holder = holder;
  options.duration = milliseconds(600);
  options.renew_deadline = milliseconds(400);
  options.retry_period = milliseconds(50);
  return options;
}

bool WaitFor(const std::function<bool()>& condition, milliseconds limit) {
  auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (condition()) return true;
    std::this_thread::sleep_for(milliseconds(5));
  }
  return condition();
}

struct Counters {
  std::atomic<int> started{0}, stopped{0}, errors{0};
  LeaderCallbacks Callbacks() {
    return {[this] { ++started; }, [this] { ++stopped; }, [this](const Status&) { ++errors; }};
  }
};

TEST(LeaderElector, StartsLeadingAndSaysSoOnce) {
  testing::FakeEngine engine;
  LeaderLease lease(engine, Fast("a"));
  Counters counters;
  LeaderElector elector(lease, counters.Callbacks());
  elector.Start();
  EXPECT_TRUE(WaitFor([&] { return elector.IsLeading(); }, milliseconds(1000)));
  std::this_thread::sleep_for(milliseconds(300));  // several renewals
  EXPECT_TRUE(elector.IsLeading());
  EXPECT_EQ(counters.started.load(), 1);
  elector.Stop();
  EXPECT_EQ(counters.stopped.load(), 1);
}

TEST(LeaderElector, AReleasedLeaseIsTakenByTheOtherAtOnce) {
  testing::FakeEngine engine;
  LeaderLease lease_a(engine, Fast("a")), lease_b(engine, Fast("b"));
  Counters a, b;
  LeaderElector elector_a(lease_a, a.Callbacks()), elector_b(lease_b, b.Callbacks());
  elector_a.Start();
  ASSERT_TRUE(WaitFor([&] { return elector_a.IsLeading(); }, milliseconds(1000)));
  elector_b.Start();
  std::this_thread::sleep_for(milliseconds(200));
  EXPECT_FALSE(elector_b.IsLeading());
  auto released = std::chrono::steady_clock::now();
  elector_a.Stop(/*release=*/true);
  ASSERT_TRUE(WaitFor([&] { return elector_b.IsLeading(); }, milliseconds(1000)));
  EXPECT_LT(std::chrono::steady_clock::now() - released, milliseconds(300)) << "took the expiry path";
  elector_b.Stop();
}

TEST(LeaderElector, ALeaderWhoseEngineFailsStopsLeadingAndReportsErrors) {
  testing::FakeEngine engine;
  LeaderLease lease(engine, Fast("a"));
  Counters counters;
  LeaderElector elector(lease, counters.Callbacks());
  elector.Start();
  ASSERT_TRUE(WaitFor([&] { return elector.IsLeading(); }, milliseconds(1000)));
  engine.FailNext("inspect config", 1000, UnavailableError("engine down"));
  EXPECT_TRUE(WaitFor([&] { return counters.stopped.load() == 1; }, milliseconds(1000)));
  EXPECT_FALSE(elector.IsLeading());
  EXPECT_GT(counters.errors.load(), 0);
  elector.Stop(false);
}

}  // namespace
}  // namespace swarmop::reconciler
