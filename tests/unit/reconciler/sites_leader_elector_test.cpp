// LeaderElector: the loop around LeaderLease, with real threads and short timings on the FakeEngine. Where a
// test needs time to pass (renewals, a rival's retries) it moves a FakeClock one retry period at a time and
// waits for the loop's call on the engine, instead of sleeping.
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <thread>

#include "eventually.h"
#include "fake_engine.h"
#include "swarmop/engine/counting_engine.h"
#include "swarmop/reconciler/sites/leader_elector.h"
#include "swarmop/reconciler/testing/fake_clock.h"

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

// Polls every 5 ms of real time (tests/support/eventually.h).
bool WaitFor(const std::function<bool()>& condition, milliseconds limit) {
  return testsupport::Eventually(condition, limit, milliseconds(5));
}

// Moves `clock` one retry period (Fast: 50 ms) and waits (1 s of real time at most) until `calls` grew: the
// loop that was waiting for that moment has made its next attempt on the engine.
void NextRetry(FakeClock& clock, const std::function<uint64_t()>& calls) {
  const uint64_t before = calls();
  clock.Advance(milliseconds(50));
  WaitFor([&] { return calls() > before; }, milliseconds(1000));
}

struct Counters {
  std::atomic<int> started{0}, stopped{0}, errors{0};
  LeaderCallbacks Callbacks() {
    return {[this] { ++started; }, [this] { ++stopped; }, [this](const Status&) { ++errors; }};
  }
};

TEST(LeaderElector, StartsLeadingAndSaysSoOnce) {
  testing::FakeEngine engine;
  FakeClock clock;
  LeaderLease lease(engine, Fast("a"), clock);
  Counters counters;
  LeaderElector elector(lease, counters.Callbacks(), clock);
  elector.Start();
  EXPECT_TRUE(WaitFor([&] { return elector.IsLeading(); }, milliseconds(1000)));
  for (int renewal = 0; renewal < 6; ++renewal) NextRetry(clock, [&] { return engine.Writes(); });
  EXPECT_TRUE(elector.IsLeading());
  EXPECT_EQ(counters.started.load(), 1);
  elector.Stop();
  EXPECT_EQ(counters.stopped.load(), 1);
}

TEST(LeaderElector, AReleasedLeaseIsTakenByTheOtherAtOnce) {
  testing::FakeEngine engine;
  engine::CountingEngine engine_b(&engine);  // b's attempts: each starts with a read of the lease
  FakeClock clock;
  LeaderLease lease_a(engine, Fast("a"), clock), lease_b(engine_b, Fast("b"), clock);
  Counters a, b;
  LeaderElector elector_a(lease_a, a.Callbacks(), clock), elector_b(lease_b, b.Callbacks(), clock);
  elector_a.Start();
  ASSERT_TRUE(WaitFor([&] { return elector_a.IsLeading(); }, milliseconds(1000)));
  elector_b.Start();
  for (int retry = 0; retry < 4; ++retry) NextRetry(clock, [&] { return engine_b.Reads(); });
  EXPECT_FALSE(elector_b.IsLeading());
  auto released = clock.Now();
  elector_a.Stop(/*release=*/true);
  // b's next retries, one period at a time: taking the lease by expiry would need 600 ms on this clock.
  for (int retry = 0; retry < 10 && !elector_b.IsLeading(); ++retry)
    NextRetry(clock, [&] { return engine_b.Reads(); });
  ASSERT_TRUE(WaitFor([&] { return elector_b.IsLeading(); }, milliseconds(1000)));
  EXPECT_LT(clock.Now() - released, milliseconds(300)) << "took the expiry path";
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
