#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "swarmop/reconciler/controller/work_queue.h"
#include "swarmop/reconciler/testing/fake_clock.h"

namespace swarmop::reconciler {
namespace {

using std::chrono::milliseconds;

const Request kApi{"Service", "api"};
const Request kWeb{"Service", "web"};

TEST(WorkQueue, AKeyAddedTwiceIsHandedOutOnce) {
  FakeClock clock;
  WorkQueue queue({}, clock);
  queue.Add(kApi);
  queue.Add(kApi);
  queue.Add(kWeb);
  EXPECT_EQ(queue.Depth(), 2u);
  EXPECT_EQ(queue.TryGet(), kApi);
  EXPECT_EQ(queue.TryGet(), kWeb);
  EXPECT_EQ(queue.TryGet(), std::nullopt);
}

TEST(WorkQueue, AKeyMarkedWhileInFlightIsQueuedOnceAfterDone) {
  FakeClock clock;
  WorkQueue queue({}, clock);
  queue.Add(kApi);
  ASSERT_EQ(queue.TryGet(), kApi);
  queue.Add(kApi);
  queue.Add(kApi);
  EXPECT_EQ(queue.TryGet(), std::nullopt) << "never two workers on one key";
  queue.Done(kApi);
  EXPECT_EQ(queue.TryGet(), kApi);
  queue.Done(kApi);
  EXPECT_EQ(queue.TryGet(), std::nullopt);
}

TEST(WorkQueue, AddFirstPutsAKeyAheadOfTheQueuedOnesOnce) {
  FakeClock clock;
  WorkQueue queue({}, clock);
  const Request db{"Service", "db"};
  queue.Add(kApi);
  queue.Add(kWeb);
  queue.Add(db);
  queue.AddFirst(db);  // already queued: moved to the front, not queued twice
  queue.AddFirst(kWeb);
  EXPECT_EQ(queue.Depth(), 3u);
  EXPECT_EQ(queue.TryGet(), kWeb);
  EXPECT_EQ(queue.TryGet(), db);
  EXPECT_EQ(queue.TryGet(), kApi);
  EXPECT_EQ(queue.TryGet(), std::nullopt);
}

TEST(WorkQueue, AKeyAddedFirstWhileInFlightIsQueuedFirstAfterDone) {
  FakeClock clock;
  WorkQueue queue({}, clock);
  queue.Add(kApi);
  ASSERT_EQ(queue.TryGet(), kApi);
  queue.Add(kWeb);
  queue.AddFirst(kApi);
  EXPECT_EQ(queue.Depth(), 1u) << "never two workers on one key";
  queue.Done(kApi);
  EXPECT_EQ(queue.TryGet(), kApi);
  queue.Done(kApi);
  EXPECT_EQ(queue.TryGet(), kWeb);
  queue.Done(kWeb);
  EXPECT_EQ(queue.TryGet(), std::nullopt);
}

TEST(WorkQueue, AddAfterHoldsTheKeyUntilItsTime) {
  FakeClock clock;
  WorkQueue queue({}, clock);
  queue.AddAfter(kApi, milliseconds(500));
  EXPECT_EQ(queue.TryGet(), std::nullopt);
  EXPECT_EQ(queue.Waiting(), 1u);
  clock.Advance(milliseconds(499));
  EXPECT_EQ(queue.TryGet(), std::nullopt);
  clock.Advance(milliseconds(1));
  EXPECT_EQ(queue.TryGet(), kApi);
}

TEST(WorkQueue, TheEarliestRequeueAfterWins) {
  FakeClock clock;
  WorkQueue queue({}, clock);
  queue.AddAfter(kApi, milliseconds(1000));
  queue.AddAfter(kApi, milliseconds(100));
  clock.Advance(milliseconds(100));
  EXPECT_EQ(queue.TryGet(), kApi);
}

TEST(WorkQueue, BackoffDoublesPerFailureUpToTheCap) {
  FakeClock clock;
  WorkQueue queue({milliseconds(200), milliseconds(1000)}, clock);
  std::vector<milliseconds> expected = {milliseconds(200), milliseconds(400), milliseconds(800),
                                        milliseconds(1000), milliseconds(1000)};
  for (milliseconds delay : expected) {
    queue.AddRateLimited(kApi);
    clock.Advance(delay - milliseconds(1));
    EXPECT_EQ(queue.TryGet(), std::nullopt) << "too early for a " << delay.count() << "ms backoff";
    clock.Advance(milliseconds(1));
    ASSERT_EQ(queue.TryGet(), kApi) << "due after " << delay.count() << "ms";
    queue.Done(kApi);
  }
  EXPECT_EQ(queue.Failures(kApi), 5);
}

TEST(WorkQueue, ForgetResetsTheBackoffAfterASuccess) {
  FakeClock clock;
  WorkQueue queue({milliseconds(200), milliseconds(60000)}, clock);
  queue.AddRateLimited(kApi);
  queue.AddRateLimited(kApi);
  queue.Forget(kApi);
  EXPECT_EQ(queue.Failures(kApi), 0);
  clock.Advance(milliseconds(200));
  ASSERT_EQ(queue.TryGet(), kApi);
  queue.Done(kApi);
  queue.AddRateLimited(kApi);
  clock.Advance(milliseconds(200));
  EXPECT_EQ(queue.TryGet(), kApi) << "back to the base delay";
}

TEST(WorkQueue, BackoffIsPerKey) {
  FakeClock clock;
  WorkQueue queue({milliseconds(200), milliseconds(60000)}, clock);
  queue.AddRateLimited(kApi);
  queue.AddRateLimited(kApi);
  queue.AddRateLimited(kWeb);
  EXPECT_EQ(queue.Failures(kApi), 2);
  EXPECT_EQ(queue.Failures(kWeb), 1);
}

TEST(WorkQueue, GetBlocksUntilADelayedKeyIsDue) {
  FakeClock clock;
  WorkQueue queue({}, clock);
  std::optional<Request> got;
  std::thread worker([&] { got = queue.Get(); });
  queue.AddAfter(kApi, milliseconds(300));
  std::this_thread::sleep_for(milliseconds(20));
  EXPECT_FALSE(got.has_value());
  clock.Advance(milliseconds(300));
  worker.join();
  EXPECT_EQ(got, kApi);
}

TEST(WorkQueue, ShutDownWakesBlockedWorkersAndDropsQueuedKeys) {
  WorkQueue queue;
  std::vector<std::thread> workers;
  std::atomic<int> stopped{0};
  for (int i = 0; i < 3; ++i) {
    workers.emplace_back([&] {
      if (!queue.Get()) ++stopped;
    });
  }
  std::this_thread::sleep_for(milliseconds(20));
  queue.ShutDown();
  for (auto& w : workers) w.join();
  EXPECT_EQ(stopped, 3);
  queue.Add(kApi);
  EXPECT_EQ(queue.Depth(), 0u) << "no new work after shutdown";
}

TEST(WorkQueue, ShutDownWithDrainHandsOutQueuedKeysAndWaitsForThem) {
  WorkQueue queue;
  queue.Add(kApi);
  queue.Add(kWeb);
  std::vector<Request> processed;
  std::thread worker([&] {
    while (auto key = queue.Get()) {
      std::this_thread::sleep_for(milliseconds(10));
      processed.push_back(*key);
      queue.Done(*key);
    }
  });
  queue.ShutDownWithDrain();
  EXPECT_EQ(processed.size(), 2u) << "drain returns only once the queue is empty and idle";
  worker.join();
}

TEST(WorkQueue, ManyWorkersNeverProcessOneKeyAtOnce) {
  WorkQueue queue;
  std::atomic<int> active_api{0};
  std::atomic<int> max_active_api{0};
  std::atomic<int> processed{0};
  std::vector<std::thread> workers;
  for (int i = 0; i < 4; ++i) {
    workers.emplace_back([&] {
      while (auto key = queue.Get()) {
        if (*key == kApi) {
          int now = ++active_api;
          max_active_api = std::max(max_active_api.load(), now);
          std::this_thread::sleep_for(milliseconds(2));
          --active_api;
        }
        ++processed;
        queue.Done(*key);
      }
    });
  }
  for (int i = 0; i < 200; ++i) {
    queue.Add(kApi);
    queue.Add(Request{"Service", "s" + std::to_string(i % 7)});
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  queue.ShutDownWithDrain();
  queue.ShutDown();
  for (auto& w : workers) w.join();
  EXPECT_EQ(max_active_api, 1);
  EXPECT_GT(processed, 7);
}

}  // namespace
}  // namespace swarmop::reconciler
