// PlanMongoMembershipChange: one voting member per reconfig, members started before they are added and
// stopped after they are removed, the version bumped only by a real change.
#include <gtest/gtest.h>

#include "replication_fixtures.h"
#include "swarmop/reconciler/replication/mongo.h"

namespace swarmop::reconciler {
namespace {

using testing::MongoReplication;
using testing::NonVoter;
using testing::Voter;
using Kind = MongoStep::Kind;

MongoReplicaSetConfig Config(std::vector<crds::MongoMember> members, int64_t version = 1) {
  return MongoConfigOf(MongoReplication("db", std::move(members)), version);
}

std::vector<MongoStep> Reconfigs(const std::vector<MongoStep>& steps) {
  std::vector<MongoStep> out;
  for (const auto& s : steps) {
    if (s.kind == Kind::kReconfig) out.push_back(s);
  }
  return out;
}

int VotersMoved(const MongoReplicaSetConfig& before, const MongoReplicaSetConfig& after) {
  int moved = 0;
  for (const auto& m : before.members) {
    const MongoMemberConfig* now = after.FindHost(m.host);
    if (m.votes == 1 && (now == nullptr || now->votes == 0)) ++moved;
  }
  for (const auto& m : after.members) {
    const MongoMemberConfig* was = before.FindHost(m.host);
    if (m.votes == 1 && (was == nullptr || was->votes == 0)) ++moved;
  }
  return moved;
}

// Every reconfig of a plan from `current`: versions +1 each, at most one voter moved, at most 7 voters,
// `_id`s of kept hosts unchanged, and the last one has the desired members.
void ExpectSafe(const MongoReplicaSetConfig& current, const MongoReplicaSetConfig& desired,
                const std::vector<MongoStep>& steps) {
  MongoReplicaSetConfig before = current;
  for (const auto& step : Reconfigs(steps)) {
    EXPECT_EQ(step.config.version, before.version + 1) << ToString(steps);
    EXPECT_LE(VotersMoved(before, step.config), 1) << ToString(step);
    EXPECT_LE(step.config.Voters(), kMongoMaxVoters) << ToString(step);
    for (const auto& m : step.config.members) {
      const MongoMemberConfig* was = before.FindHost(m.host);
      if (was != nullptr) {
        EXPECT_EQ(m.id, was->id) << m.host;
      }
    }
    before = step.config;
  }
  ASSERT_EQ(before.members.size(), desired.members.size()) << ToString(steps);
  for (const auto& m : desired.members) {
    const MongoMemberConfig* got = before.FindHost(m.host);
    ASSERT_NE(got, nullptr) << m.host;
    EXPECT_EQ(got->votes, m.votes);
    EXPECT_EQ(got->priority, m.priority);
    EXPECT_EQ(got->hidden, m.hidden);
    EXPECT_EQ(got->tags, m.tags);
  }
}

TEST(MongoReconfigPlan, NoReplicaSetYetStartsEveryMemberThenInitiatesOnce) {
  MongoReplicaSetConfig desired = Config({Voter("cloud", 2), Voter("douala"), Voter("yaounde")});
  std::vector<MongoStep> steps = PlanMongoMembershipChange(std::nullopt, desired);
  EXPECT_EQ(ToString(steps),
            "start member cloud; start member douala; start member yaounde; initiate rs0 v1 "
            "[cloud,douala,yaounde]");
  EXPECT_EQ(steps.back().config.members, desired.members);
}

TEST(MongoReconfigPlan, UnchangedMembersKeepTheVersion) {
  MongoReplicaSetConfig current = Config({Voter("cloud", 2), Voter("douala"), Voter("yaounde")}, 9);
  MongoReplicaSetConfig desired = Config({Voter("cloud", 2), Voter("douala"), Voter("yaounde")}, 1);
  EXPECT_TRUE(PlanMongoMembershipChange(current, desired).empty());
}

TEST(MongoReconfigPlan, AddingTwoVotersTakesTwoSteps) {
  MongoReplicaSetConfig current = Config({Voter("cloud")}, 3);
  MongoReplicaSetConfig desired = Config({Voter("cloud"), Voter("douala"), Voter("yaounde")});
  std::vector<MongoStep> steps = PlanMongoMembershipChange(current, desired);
  EXPECT_EQ(ToString(steps),
            "start member douala; reconfig rs0 v4 [cloud,douala] voters 2; "
            "start member yaounde; reconfig rs0 v5 [cloud,douala,yaounde] voters 3");
  ExpectSafe(current, desired, steps);
}

TEST(MongoReconfigPlan, RemovingAVoterReconfiguresBeforeStopping) {
  MongoReplicaSetConfig current = Config({Voter("cloud"), Voter("douala"), Voter("yaounde")}, 2);
  MongoReplicaSetConfig desired = Config({Voter("cloud")});
  std::vector<MongoStep> steps = PlanMongoMembershipChange(current, desired);
  EXPECT_EQ(ToString(steps),
            "reconfig rs0 v3 [cloud,yaounde] voters 2; stop member douala; "
            "reconfig rs0 v4 [cloud] voters 1; stop member yaounde");
  ExpectSafe(current, desired, steps);
}

TEST(MongoReconfigPlan, PriorityChangesOfKeptMembersShareOneReconfig) {
  MongoReplicaSetConfig current = Config({Voter("cloud", 2), Voter("douala"), Voter("yaounde")}, 5);
  MongoReplicaSetConfig desired = Config({Voter("cloud", 1), Voter("douala", 3), Voter("yaounde")});
  std::vector<MongoStep> steps = PlanMongoMembershipChange(current, desired);
  EXPECT_EQ(ToString(steps), "reconfig rs0 v6 [cloud,douala,yaounde] voters 3");
  ExpectSafe(current, desired, steps);
}

TEST(MongoReconfigPlan, ReplacingAVoterAddsTheNewOneBeforeRemovingTheOld) {
  MongoReplicaSetConfig current = Config({Voter("cloud"), Voter("douala"), Voter("yaounde")}, 1);
  MongoReplicaSetConfig desired = Config({Voter("cloud"), Voter("douala"), Voter("bamenda")});
  std::vector<MongoStep> steps = PlanMongoMembershipChange(current, desired);
  EXPECT_EQ(ToString(steps),
            "start member bamenda; reconfig rs0 v2 [cloud,douala,yaounde,bamenda] voters 4; "
            "reconfig rs0 v3 [cloud,douala,bamenda] voters 3; stop member yaounde");
  EXPECT_EQ(Reconfigs(steps).back().config.FindHost("db-bamenda:27017")->id, 3);  // a fresh _id
  ExpectSafe(current, desired, steps);
}

TEST(MongoReconfigPlan, AtSevenVotersAReplacementRemovesFirst) {
  std::vector<crds::MongoMember> seven;
  for (const char* s : {"a", "b", "c", "d", "e", "f", "g"}) seven.push_back(Voter(s));
  std::vector<crds::MongoMember> swapped = seven;
  swapped.back() = Voter("h");
  MongoReplicaSetConfig current = Config(seven, 1);
  MongoReplicaSetConfig desired = Config(swapped);
  std::vector<MongoStep> steps = PlanMongoMembershipChange(current, desired);
  ASSERT_EQ(steps.size(), 4u);
  EXPECT_EQ(ToString(steps[1]), "stop member g");
  EXPECT_EQ(ToString(steps[2]), "start member h");
  ExpectSafe(current, desired, steps);
}

TEST(MongoReconfigPlan, NonVotingChangesGoFirstAndMoveNoVote) {
  MongoReplicaSetConfig current =
      Config({Voter("cloud"), NonVoter("douala"), Voter("yaounde"), Voter("x")}, 1);
  MongoReplicaSetConfig desired =
      Config({Voter("cloud"), Voter("douala"), Voter("yaounde"), NonVoter("reports")});
  std::vector<MongoStep> steps = PlanMongoMembershipChange(current, desired);
  EXPECT_EQ(ToString(steps[0]), "start member reports");  // adding a non-voter moves no vote: first
  ExpectSafe(current, desired, steps);
  EXPECT_EQ(Reconfigs(steps).size(), 3u);  // reports added; douala becomes a voter; x removed
}

TEST(MongoReconfigPlan, PromotingANonVoterIsOneVotingChange) {
  MongoReplicaSetConfig current =
      Config({Voter("cloud"), Voter("douala"), NonVoter("yaounde"), NonVoter("x")}, 1);
  MongoReplicaSetConfig desired = Config({Voter("cloud"), Voter("douala"), Voter("yaounde"), Voter("x")});
  // Invalid as a final state for crds (4 voters), but the planner still moves one voter per step.
  std::vector<MongoStep> steps = PlanMongoMembershipChange(current, desired);
  EXPECT_EQ(Reconfigs(steps).size(), 2u);
  ExpectSafe(current, desired, steps);
}

// A table of bigger moves: whatever the start and end, every step is safe and the end is reached.
struct MoveCase {
  const char* name;
  std::vector<crds::MongoMember> from;
  std::vector<crds::MongoMember> to;
  size_t reconfigs;
};

class MongoReconfigPlanMoves : public ::testing::TestWithParam<MoveCase> {};

TEST_P(MongoReconfigPlanMoves, EveryStepMovesAtMostOneVoterAndEndsAtTheDesiredMembers) {
  MongoReplicaSetConfig current = Config(GetParam().from, 10);
  MongoReplicaSetConfig desired = Config(GetParam().to);
  std::vector<MongoStep> steps = PlanMongoMembershipChange(current, desired);
  EXPECT_EQ(Reconfigs(steps).size(), GetParam().reconfigs) << ToString(steps);
  ExpectSafe(current, desired, steps);
  for (size_t i = 0; i < steps.size(); ++i) {
    if (steps[i].kind == Kind::kStartMember) {
      ASSERT_LT(i + 1, steps.size());
      EXPECT_EQ(steps[i + 1].kind, Kind::kReconfig) << "a started member is added right away";
    }
    if (steps[i].kind == Kind::kStopMember) {
      ASSERT_GT(i, 0u);
      EXPECT_EQ(steps[i - 1].kind, Kind::kReconfig) << "a member is stopped right after its removal";
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, MongoReconfigPlanMoves,
    ::testing::Values(
        MoveCase{"OneToSeven",
                 {Voter("a")},
                 {Voter("a"), Voter("b"), Voter("c"), Voter("d"), Voter("e"), Voter("f"), Voter("g")},
                 6},
        MoveCase{"SevenToOne",
                 {Voter("a"), Voter("b"), Voter("c"), Voter("d"), Voter("e"), Voter("f"), Voter("g")},
                 {Voter("g")},
                 6},
        MoveCase{"ThreeSitesToThreeOthers",
                 {Voter("a"), Voter("b"), Voter("c")},
                 {Voter("d"), Voter("e"), Voter("f")},
                 6},
        MoveCase{"VotersBecomeNonVotersAndBack",
                 {Voter("a"), Voter("b"), Voter("c"), NonVoter("d"), NonVoter("e")},
                 {Voter("a"), NonVoter("b"), NonVoter("c"), Voter("d"), Voter("e")},
                 4}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace swarmop::reconciler
