// The leader-elected lifecycle of `swarmop run` (controller/operator_lifecycle.h) on the FakeEngine, with the
// lease's time on a FakeClock: the Operator starts on winning the lease, a loser serves the follower surface,
// and a leader whose renewals fail stops once its renew deadline passes on the fake clock. The Operator and
// the follower's listener are hooks that count, so no port is bound.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>

#include "fake_engine.h"
#include "swarmop/reconciler/controller/operator_lifecycle.h"
#include "swarmop/reconciler/testing/fake_clock.h"

namespace swarmop::reconciler {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using ::testing::HasSubstr;

LeaseOptions Lease(const std::string& holder) {
  auto lease = LeaseTimings(seconds(15));
  EXPECT_TRUE(lease.ok());
  lease->holder = holder;
  return *lease;
}

// Counts what the lifecycle started and stopped.
struct Hooks {
  std::atomic<int> operators_started{0}, operators_stopped{0}, followers_served{0}, followers_stopped{0};
  Status start_error;
  LifecycleHooks Get() {
    LifecycleHooks hooks;
    hooks.start_operator = [this]() -> StatusOr<std::function<void()>> {
      if (!start_error.ok()) return start_error;
      ++operators_started;
      return std::function<void()>([this] { ++operators_stopped; });
    };
    hooks.serve_follower = [this] {
      ++followers_served;
      return std::function<void()>([this] { ++followers_stopped; });
    };
    return hooks;
  }
};

// The elector runs on its own thread: its first attempt is made at Start, without the clock moving. This
// waits for that attempt in real time (bounded), never for a lease timing.
bool Eventually(const std::function<bool()>& condition) {
  auto end = std::chrono::steady_clock::now() + seconds(10);
  while (!condition()) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::yield();
  }
  return true;
}

TEST(LeaseTimings, FollowFromTheLeaseDuration) {
  auto lease = LeaseTimings(seconds(15));
  ASSERT_TRUE(lease.ok());
  EXPECT_EQ(lease->duration, seconds(15));
  EXPECT_EQ(lease->renew_deadline, seconds(10));
  EXPECT_EQ(lease->retry_period, seconds(2));
  EXPECT_TRUE(ValidateLeaseOptions([&] {
                LeaseOptions named = *lease;
                named.holder = "a";
                return named;
              }())
                  .ok());
}

TEST(LeaseTimings, UnderASecondIsRefused) {
  auto lease = LeaseTimings(milliseconds(900));
  ASSERT_FALSE(lease.ok());
  EXPECT_EQ(lease.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(lease.status().message(), "must be at least 1s");
}

// One replica ("a") electing on a FakeEngine, its lease's time on a FakeClock.
class ElectedReplica : public ::testing::Test {
 protected:
  void StartLifecycle() {
    lifecycle_ = std::make_unique<OperatorLifecycle>(lease_, hooks_.Get(), clock_);
    lifecycle_->Start();
  }
  // Follows the elector until the Operator runs (the elector's first attempt happens on its thread).
  bool StartsOperating() {
    return Eventually([&] {
      EXPECT_TRUE(lifecycle_->Follow().ok());
      return lifecycle_->operating();
    });
  }

  testing::FakeEngine engine_;
  FakeClock clock_;
  LeaderLease lease_{engine_, Lease("a"), clock_};
  Hooks hooks_;
  std::unique_ptr<OperatorLifecycle> lifecycle_;
};

TEST_F(ElectedReplica, WinningTheLeaseStartsTheOperatorInPlaceOfTheFollowerSurface) {
  StartLifecycle();
  EXPECT_EQ(hooks_.followers_served.load(), 1) << "a replica follows until it wins";
  ASSERT_TRUE(StartsOperating());
  EXPECT_EQ(hooks_.operators_started.load(), 1);
  EXPECT_EQ(hooks_.followers_stopped.load(), 1) << "the Operator serves the listen address now";
  ASSERT_TRUE(lifecycle_->Follow().ok());
  EXPECT_EQ(hooks_.operators_started.load(), 1) << "started once while leading";
  lifecycle_->Stop(/*release=*/true);
  EXPECT_EQ(hooks_.operators_stopped.load(), 1);
  EXPECT_FALSE(lease_.IsLeading());
  LeaderLease next(engine_, Lease("b"), clock_);
  EXPECT_TRUE(*next.TryAcquireOrRenew()) << "released: the next replica takes it without waiting";
}

TEST_F(ElectedReplica, ALoserServesTheFollowerStatusNamingTheLeader) {
  LeaderLease leader(engine_, Lease("b"), clock_);
  ASSERT_TRUE(*leader.TryAcquireOrRenew());
  StartLifecycle();
  ASSERT_TRUE(Eventually([&] { return lease_.LastObserved().has_value(); }));
  ASSERT_TRUE(lifecycle_->Follow().ok());
  EXPECT_FALSE(lifecycle_->operating());
  EXPECT_EQ(hooks_.operators_started.load(), 0);
  EXPECT_EQ(hooks_.followers_served.load(), 1);

  HttpRoutes routes = FollowerRoutes([&] { return ObservedHolder(lease_); });
  HttpResponse status = routes.at("/api/v1/status")();
  EXPECT_EQ(status.status, 200);
  EXPECT_EQ(status.content_type, "application/json");
  EXPECT_THAT(status.body, HasSubstr("\"leading\": false"));
  EXPECT_THAT(status.body, HasSubstr("\"holder\": \"b\""));
  EXPECT_EQ(routes.at("/healthz")().status, 200) << "alive: Swarm's healthcheck leaves a follower running";
  EXPECT_EQ(routes.at("/readyz")().status, 503);
  EXPECT_EQ(routes.at("/readyz")().body, "following: the leader is b\n");
  EXPECT_THAT(routes.at("/metrics")().body, HasSubstr("swarmop_leader 0"));
  lifecycle_->Stop(/*release=*/true);
  EXPECT_EQ(hooks_.followers_stopped.load(), 1);
}

TEST_F(ElectedReplica, ALeaderThatCannotRenewStopsTheOperatorAtItsRenewDeadline) {
  StartLifecycle();
  ASSERT_TRUE(StartsOperating());
  engine_.FailNext("inspect config", 1000, UnavailableError("engine down"));
  clock_.Advance(seconds(9));  // within the renew deadline (10 s): still leading, whatever the elector saw
  ASSERT_TRUE(lifecycle_->Follow().ok());
  EXPECT_TRUE(lifecycle_->operating());
  clock_.Advance(seconds(2));  // past it: IsLeading turns false on time, with no renewal needed to notice
  EXPECT_FALSE(lease_.IsLeading());
  ASSERT_TRUE(lifecycle_->Follow().ok());
  EXPECT_FALSE(lifecycle_->operating());
  EXPECT_EQ(hooks_.operators_stopped.load(), 1);
  EXPECT_EQ(hooks_.followers_served.load(), 2) << "following again, on the same address";
  lifecycle_->Stop(/*release=*/false);
}

TEST_F(ElectedReplica, AnOperatorThatCannotStartIsAnError) {
  hooks_.start_error = UnavailableError("listen 127.0.0.1:8080: address in use");
  StartLifecycle();
  ASSERT_TRUE(Eventually([&] { return lease_.IsLeading(); }));
  Status followed;
  ASSERT_TRUE(Eventually([&] {
    followed = lifecycle_->Follow();
    return !followed.ok();
  }));
  EXPECT_THAT(followed.message(), HasSubstr("address in use"));
  EXPECT_FALSE(lifecycle_->operating());
}

TEST(RunElectedOperator, RunsWhileLeadingAndReleasesTheLeaseWhenAskedToStop) {
  testing::FakeEngine engine;
  FakeClock clock;
  Hooks hooks;
  const auto give_up = std::chrono::steady_clock::now() + seconds(10);  // real time: the elector's thread
  StopWaiter stop_once_operating = [&](milliseconds) {
    std::this_thread::yield();
    return hooks.operators_started.load() > 0 || std::chrono::steady_clock::now() > give_up;
  };
  const OperatorOptions options;
  Status ran = RunElectedOperator(engine, engine, options, Lease("a"), stop_once_operating, clock,
                                  [&](const OperatorOptions& given, const LeaderLease&) {
                                    EXPECT_TRUE(given.reconcile.may_write) << "writes ask the lease first";
                                    return hooks.Get();
                                  });
  EXPECT_TRUE(ran.ok()) << ran.ToString();
  EXPECT_EQ(hooks.operators_started.load(), 1);
  EXPECT_EQ(hooks.operators_stopped.load(), 1);
  LeaderLease other(engine, Lease("b"), clock);
  EXPECT_TRUE(*other.TryAcquireOrRenew()) << "the lease was released: another replica takes it at once";
}

}  // namespace
}  // namespace swarmop::reconciler
