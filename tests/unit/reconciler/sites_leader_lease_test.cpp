// LeaderLease against the in-memory FakeEngine (versioned configs) and a fake clock.
#include <gtest/gtest.h>

#include "fake_engine.h"
#include "swarmop/reconciler/sites/leader_lease.h"
#include "swarmop/reconciler/testing/fake_clock.h"

namespace swarmop::reconciler {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

LeaseOptions Options(const std::string& holder) {
  LeaseOptions options;
  options.holder = holder;
  options.duration = seconds(15);
  options.renew_deadline = seconds(10);
  options.retry_period = seconds(2);
  return options;
}

class LeaderLeaseTest : public ::testing::Test {
 protected:
  bool Try(LeaderLease& lease) {
    auto result = lease.TryAcquireOrRenew();
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    return result.ok() && *result;
  }
  std::string Holder() {
    return engine_.InspectConfig(kLeaseConfigName)->spec.labels.at(lease_labels::kHolder);
  }

  testing::FakeEngine engine_;
  FakeClock clock_;
  LeaderLease a_{engine_, Options("a"), clock_};
  LeaderLease b_{engine_, Options("b"), clock_};
};

TEST_F(LeaderLeaseTest, TheFirstReplicaCreatesTheLeaseAndLeads) {
  EXPECT_TRUE(Try(a_));
  EXPECT_TRUE(a_.IsLeading());
  EXPECT_EQ(Holder(), "a");
  auto labels = engine_.InspectConfig(kLeaseConfigName)->spec.labels;
  EXPECT_EQ(labels.at(lease_labels::kDurationMs), "15000");
  EXPECT_EQ(labels.at(lease_labels::kRole), "lease");
  EXPECT_EQ(labels.count("io.swarmop.managed-by"), 0u) << "the planner would prune an owned config";
}

TEST_F(LeaderLeaseTest, ASecondReplicaDoesNotLeadWhileTheLeaseIsLive) {
  ASSERT_TRUE(Try(a_));
  EXPECT_FALSE(Try(b_));
  EXPECT_FALSE(b_.IsLeading());
  clock_.Advance(seconds(14));
  EXPECT_FALSE(Try(b_));
}

TEST_F(LeaderLeaseTest, TheHolderRenewsWithANewVersion) {
  ASSERT_TRUE(Try(a_));
  uint64_t before = engine_.InspectConfig(kLeaseConfigName)->version;
  clock_.Advance(seconds(2));
  EXPECT_TRUE(Try(a_));
  EXPECT_GT(engine_.InspectConfig(kLeaseConfigName)->version, before);
  EXPECT_TRUE(a_.IsLeading());
}

TEST_F(LeaderLeaseTest, RenewalsKeepOthersOutForever) {
  ASSERT_TRUE(Try(a_));
  for (int i = 0; i < 30; ++i) {
    clock_.Advance(seconds(2));
    ASSERT_TRUE(Try(a_));
    ASSERT_FALSE(Try(b_)) << "at round " << i;
  }
}

TEST_F(LeaderLeaseTest, ALeaseNotRenewedForItsDurationIsTakenOver) {
  ASSERT_TRUE(Try(a_));
  EXPECT_FALSE(Try(b_));
  clock_.Advance(seconds(15));
  EXPECT_TRUE(Try(b_));
  EXPECT_EQ(Holder(), "b");
  EXPECT_EQ(engine_.InspectConfig(kLeaseConfigName)->spec.labels.at(lease_labels::kTransitions), "1");
}

TEST_F(LeaderLeaseTest, TheDeposedLeaderStopsBeforeTheNewOneStarts) {
  ASSERT_TRUE(Try(a_));
  Clock::TimePoint a_stopped{}, b_started{};
  for (int step = 0; step < 400 && b_started == Clock::TimePoint{}; ++step) {
    clock_.Advance(milliseconds(100));  // a never renews again; b tries every 100 ms
    if (!a_.IsLeading() && a_stopped == Clock::TimePoint{}) a_stopped = clock_.Now();
    if (Try(b_)) b_started = clock_.Now();
    ASSERT_FALSE(a_.IsLeading() && b_.IsLeading()) << "two leaders at step " << step;
  }
  ASSERT_NE(b_started, Clock::TimePoint{});
  EXPECT_LE(b_started - a_stopped, seconds(5) + milliseconds(200));
  EXPECT_GE(b_started - a_stopped, seconds(5) - milliseconds(100));  // duration - renew deadline
}

TEST_F(LeaderLeaseTest, AnOldLeaderThatComesBackFindsItselfDeposed) {
  ASSERT_TRUE(Try(a_));
  EXPECT_FALSE(Try(b_));
  clock_.Advance(seconds(15));
  ASSERT_TRUE(Try(b_));
  EXPECT_FALSE(Try(a_));
  EXPECT_FALSE(a_.IsLeading());
  EXPECT_EQ(Holder(), "b");
}

TEST_F(LeaderLeaseTest, AStaleVersionMeansSomeoneElseWon) {
  ASSERT_TRUE(Try(a_));
  engine_.FailNext("update config", 1, AbortedError("update out of sequence"));
  clock_.Advance(seconds(2));
  EXPECT_FALSE(Try(a_));
  EXPECT_FALSE(a_.IsLeading());
}

TEST_F(LeaderLeaseTest, LosingTheCreateRaceIsNotAnError) {
  engine_.FailNext("create config", 1, ConflictError("config already exists"));
  EXPECT_FALSE(Try(a_));
  EXPECT_FALSE(a_.IsLeading());
}

TEST_F(LeaderLeaseTest, ALeaderThatCannotReachTheEngineStopsAtItsRenewDeadline) {
  ASSERT_TRUE(Try(a_));
  engine_.FailNext("inspect config", 100, UnavailableError("engine down"));
  clock_.Advance(seconds(9));
  EXPECT_FALSE(a_.TryAcquireOrRenew().ok());
  EXPECT_TRUE(a_.IsLeading());
  clock_.Advance(seconds(1));
  EXPECT_FALSE(a_.IsLeading());
}

TEST_F(LeaderLeaseTest, ReleaseLetsAnotherTakeOverAtOnce) {
  ASSERT_TRUE(Try(a_));
  EXPECT_FALSE(Try(b_));
  ASSERT_TRUE(a_.Release().ok());
  EXPECT_FALSE(a_.IsLeading());
  EXPECT_TRUE(Try(b_));
}

TEST_F(LeaderLeaseTest, AReplicaThatStartsLateWaitsAWholeDurationFromItsFirstSighting) {
  ASSERT_TRUE(Try(a_));
  clock_.Advance(seconds(60));  // a died long ago, but b only looks now: it cannot know since when
  EXPECT_FALSE(Try(b_));
  clock_.Advance(seconds(15));
  EXPECT_TRUE(Try(b_));
}

TEST(ValidateLeaseOptions, RejectsARenewDeadlineNotShorterThanTheDuration) {
  LeaseOptions options = Options("a");
  EXPECT_TRUE(ValidateLeaseOptions(options).ok());
  options.renew_deadline = options.duration;
  EXPECT_FALSE(ValidateLeaseOptions(options).ok());
  options = Options("");
  EXPECT_FALSE(ValidateLeaseOptions(options).ok());
}

}  // namespace
}  // namespace swarmop::reconciler
