// Leader election end to end: see failover_e2e_failover_test.cpp's header for what it runs.
#include "failover_e2e_harness.h"

namespace swarmop::sites_it {
namespace {

// ------------------------------------------------------------------------------------ leader election
TEST_F(E2E, TwoElectedOperatorsReconcileOneAtATimeAndAKilledLeaderIsReplaced) {
  const std::vector<std::string> flags = {
      "--leader-elect", "--lease-duration", "6s", "--resync", "5s", "--site-interval", "1s"};
  auto a = NewOperator("leader-a", flags);
  auto b = NewOperator("leader-b", flags);
  a->Start();
  b->Start();

  std::string holder;
  ASSERT_TRUE(Eventually(
      [&] {
        holder = LeaseHolder();
        return HeldBy(holder, *a) || HeldBy(holder, *b);
      },
      30s))
      << "nobody took the lease; holder \"" << holder << "\"";
  OperatorProcess* leader = HeldBy(holder, *a) ? a.get() : b.get();
  OperatorProcess* follower = leader == a.get() ? b.get() : a.get();
  std::cout << "[leader] " << holder << " leads; follower pid " << follower->pid() << std::endl;
  ASSERT_TRUE(Eventually(
      [&] { return leader->Get("/metrics").body.find("\nswarmop_leader 1\n") != std::string::npos; }, 15s))
      << "the leader never served its operator's HTTP";
  ASSERT_TRUE(Eventually([&] { return DeclaredSplitRuns(); }, 120s, 250ms))
      << "the leader never ran the declared split: " << DescribeServices();

  // Exactly one reconciles: the holder never changes and the follower never starts its operator.
  auto watch_end = SteadyClock::now() + 3s;
  while (SteadyClock::now() < watch_end) {
    ASSERT_TRUE(HeldBy(LeaseHolder(), *leader)) << "the lease moved while its holder was alive";
    ASSERT_TRUE(Following(*follower)) << "the follower runs its operator, or does not answer as a follower";
    std::this_thread::sleep_for(200ms);
  }

  // A drift is corrected by the leader.
  ASSERT_TRUE(ScaleByHand("api-yaounde", 4));
  auto drifted = SteadyClock::now();
  ASSERT_TRUE(Eventually([&] { return SpecReplicas("api-yaounde") == 1; }, 30s))
      << "the leader did not correct the drift";
  Measure("leader: drift (api-yaounde 1 -> 4 by hand) corrected", Seconds(SteadyClock::now() - drifted));
  EXPECT_TRUE(Following(*follower));

  // SIGKILL the leader, drift again at once: the follower takes the lease and corrects it.
  auto killed_wall = std::chrono::system_clock::now();
  auto killed = SteadyClock::now();
  EXPECT_EQ(leader->Stop(SIGKILL), 128 + SIGKILL);
  ASSERT_TRUE(ScaleByHand("api-yaounde", 4));
  Handover first = WaitHandover(*follower, killed);
  ASSERT_TRUE(first.takeover) << "the follower never took the lease; holder \"" << LeaseHolder() << "\"";
  ASSERT_TRUE(first.corrected) << "the drift made after the kill was never corrected: " << DescribeServices();
  Measure("SIGKILL leader -> the other holds the lease (duration 6 s, retry 0.8 s)", *first.takeover);
  if (first.serving) Measure("SIGKILL leader -> the new leader serves HTTP", *first.serving);
  Measure("SIGKILL leader -> drift made after the kill corrected", *first.corrected);
  EXPECT_LE(*first.takeover, kTakeoverBound) << "takeover beyond lease duration + retry + one request";
  EXPECT_TRUE(DeclaredSplitRuns()) << DescribeServices();

  // Never two writers: every write the old leader logged comes before the first one the new leader logged,
  // which comes after the kill; the new leader wrote nothing while it followed.
  std::string kill_stamp = GlogStamp(killed_wall);
  std::vector<std::string> old_writes = LogStamps(leader->Log(), kWriteMarks);
  std::vector<std::string> new_writes = LogStamps(follower->Log(), kWriteMarks);
  std::vector<std::string> new_lead = LogStamps(follower->Log(), {"started leading"});
  ASSERT_FALSE(old_writes.empty()) << "the old leader logged no write: " << leader->log_path();
  ASSERT_FALSE(new_writes.empty()) << "the new leader logged no write: " << follower->log_path();
  ASSERT_EQ(new_lead.size(), 1u) << follower->log_path();
  std::cout << "[writes] old leader: " << old_writes.size() << " write(s), " << old_writes.front() << " .. "
            << old_writes.back() << "; SIGKILL " << kill_stamp << "; new leader leads from "
            << new_lead.front() << ", " << new_writes.size() << " write(s), " << new_writes.front() << " .. "
            << new_writes.back() << std::endl;
  Measure("SIGKILL leader -> \"started leading\" in the other's log",
          StampSeconds(new_lead.front()) - StampSeconds(kill_stamp));
  EXPECT_LT(old_writes.back(), kill_stamp);
  EXPECT_LT(old_writes.back(), new_writes.front()) << "the two leaders' writes interleave";
  EXPECT_GT(new_lead.front(), kill_stamp) << "the follower led while the leader was alive";
  EXPECT_GE(new_writes.front(), new_lead.front()) << "the follower wrote before it led";
  EXPECT_EQ(LogStamps(leader->Log(), {"started leading"}).size(), 1u) << leader->log_path();

  // A leader frozen (SIGSTOP) rather than dead: a third replica takes over once the lease expires; thawed,
  // the old leader finds its lease gone and stops its operator without writing again, while the new leader
  // keeps correcting drift.
  OperatorProcess* frozen = follower;
  auto c = NewOperator("leader-c", flags);
  c->Start();
  std::this_thread::sleep_for(2s);
  ASSERT_TRUE(HeldBy(LeaseHolder(), *frozen)) << "a newcomer took a live leader's lease";
  EXPECT_TRUE(Following(*c)) << "the newcomer runs its operator while following";
  auto stopped_wall = std::chrono::system_clock::now();
  auto stopped = SteadyClock::now();
  frozen->Signal(SIGSTOP);
  ASSERT_TRUE(ScaleByHand("api-yaounde", 4));
  Handover second = WaitHandover(*c, stopped);
  ASSERT_TRUE(second.takeover) << "nobody took the frozen leader's lease; holder \"" << LeaseHolder() << "\"";
  ASSERT_TRUE(second.corrected) << "the drift made while the leader was frozen was never corrected";
  Measure("SIGSTOP leader -> the newcomer holds the lease", *second.takeover);
  Measure("SIGSTOP leader -> drift made meanwhile corrected", *second.corrected);
  EXPECT_LE(*second.takeover, kTakeoverBound);
  auto thawed_wall = std::chrono::system_clock::now();
  frozen->Signal(SIGCONT);
  ASSERT_TRUE(ScaleByHand("api-yaounde", 5));
  EXPECT_TRUE(Eventually([&] { return SpecReplicas("api-yaounde") == 1; }, 30s))
      << "the drift made after the thaw was not corrected";
  EXPECT_TRUE(Eventually([&] { return !LogStamps(frozen->Log(), {"stopped leading"}).empty(); }, 10s))
      << "the thawed leader never noticed it lost the lease: " << frozen->log_path();
  EXPECT_TRUE(Eventually([&] { return Following(*frozen); }, 10s))
      << "the thawed leader still runs its operator";
  std::this_thread::sleep_for(2s);  // a late write from the thawed leader would show here
  EXPECT_TRUE(HeldBy(LeaseHolder(), *c)) << "the thawed leader took the lease back";

  std::vector<std::string> frozen_writes = LogStamps(frozen->Log(), kWriteMarks);
  std::vector<std::string> c_writes = LogStamps(c->Log(), kWriteMarks);
  std::vector<std::string> c_lead = LogStamps(c->Log(), {"started leading"});
  std::vector<std::string> frozen_stop = LogStamps(frozen->Log(), {"stopped leading"});
  ASSERT_FALSE(c_writes.empty()) << c->log_path();
  ASSERT_EQ(c_lead.size(), 1u) << c->log_path();
  std::string stop_stamp = GlogStamp(stopped_wall);
  std::cout << "[writes] frozen leader: " << frozen_writes.size() << " write(s), last "
            << frozen_writes.back() << "; SIGSTOP " << stop_stamp << "; newcomer leads from "
            << c_lead.front() << ", first write " << c_writes.front() << "; SIGCONT "
            << GlogStamp(thawed_wall) << "; thawed leader stopped leading "
            << (frozen_stop.empty() ? "never" : frozen_stop.front()) << std::endl;
  EXPECT_LT(frozen_writes.back(), stop_stamp) << "the frozen leader wrote after it was frozen";
  EXPECT_LT(frozen_writes.back(), c_writes.front()) << "the two leaders' writes interleave";
  EXPECT_GT(c_lead.front(), stop_stamp) << "the newcomer led while the leader was still valid";
  EXPECT_GE(c_writes.front(), c_lead.front()) << "the newcomer wrote before it led";

  // Clean stops; the leader's releases the lease.
  EXPECT_EQ(frozen->Stop(SIGTERM), 0);
  EXPECT_EQ(c->Stop(SIGTERM), 0);
  EXPECT_EQ(LeaseHolder(), "") << "SIGTERM must release the lease";
}

}  // namespace
}  // namespace swarmop::sites_it
