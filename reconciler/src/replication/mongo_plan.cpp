// Plans a replica set membership change as steps that each move at most one voting member (MongoDB >= 4.4
// refuses a reconfig that adds or removes more than one voter), the way the MongoDB Kubernetes operator
// does: start a member before the reconfig that adds it, stop it after the reconfig that removes it.
#include <algorithm>
#include <deque>

#include "swarmop/reconciler/replication/mongo.h"

namespace swarmop::reconciler {
namespace {

struct MemberChange {
  enum class Kind { kAdd, kRemove, kModify };
  Kind kind;
  MongoMemberConfig member;  // the member as it will be (kAdd, kModify) or as it was (kRemove)
  int vote_delta = 0;        // +1, -1 or 0: how the number of voters moves
};

// Fresh `_id`s start after every id the current config uses, so a removed member's id is never reused.
int NextFreeId(const MongoReplicaSetConfig& current) {
  int next = 0;
  for (const auto& member : current.members) next = std::max(next, member.id + 1);
  return next;
}

std::vector<MemberChange> ChangesBetween(const MongoReplicaSetConfig& current,
                                         const MongoReplicaSetConfig& desired) {
  std::vector<MemberChange> changes;
  int next_id = NextFreeId(current);
  for (MongoMemberConfig wanted : desired.members) {
    const MongoMemberConfig* now = current.FindHost(wanted.host);
    if (now == nullptr) {
      wanted.id = next_id++;
      changes.push_back({MemberChange::Kind::kAdd, wanted, wanted.votes});
    } else {
      wanted.id = now->id;
      if (!(wanted == *now))
        changes.push_back({MemberChange::Kind::kModify, wanted, wanted.votes - now->votes});
    }
  }
  for (const auto& now : current.members) {
    if (desired.FindHost(now.host) == nullptr)
      changes.push_back({MemberChange::Kind::kRemove, now, -now.votes});
  }
  return changes;
}

// Changes that move no vote first; then one voter at a time, adding before removing while there is room
// under the 7-voter limit (more voters during the move, not fewer).
std::vector<MemberChange> Ordered(const std::vector<MemberChange>& changes, int current_voters) {
  std::vector<MemberChange> out;
  std::deque<MemberChange> gains, losses;
  for (const auto& change : changes) {
    if (change.vote_delta == 0) out.push_back(change);
    if (change.vote_delta > 0) gains.push_back(change);
    if (change.vote_delta < 0) losses.push_back(change);
  }
  int voters = current_voters;
  while (!gains.empty() || !losses.empty()) {
    bool add = !gains.empty() && (voters < kMongoMaxVoters || losses.empty());
    std::deque<MemberChange>& from = add ? gains : losses;
    voters += from.front().vote_delta;
    out.push_back(from.front());
    from.pop_front();
  }
  return out;
}

void Apply(const MemberChange& change, MongoReplicaSetConfig& config) {
  auto& members = config.members;
  auto same_host = [&](const MongoMemberConfig& m) { return m.host == change.member.host; };
  members.erase(std::remove_if(members.begin(), members.end(), same_host), members.end());
  if (change.kind != MemberChange::Kind::kRemove) members.push_back(change.member);
  std::sort(members.begin(), members.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  ++config.version;
}

MongoStep Member(MongoStep::Kind kind, const MongoMemberConfig& member) {
  MongoStep step;
  step.kind = kind;
  step.site = member.site();
  return step;
}

MongoStep WithConfig(MongoStep::Kind kind, const MongoReplicaSetConfig& config) {
  MongoStep step;
  step.kind = kind;
  step.config = config;
  return step;
}

std::vector<MongoStep> PlanInitiation(const MongoReplicaSetConfig& desired) {
  std::vector<MongoStep> steps;
  for (const auto& member : desired.members) steps.push_back(Member(MongoStep::Kind::kStartMember, member));
  MongoReplicaSetConfig initial = desired;
  initial.version = 1;
  steps.push_back(WithConfig(MongoStep::Kind::kInitiate, initial));
  return steps;
}

}  // namespace

std::vector<MongoStep> PlanMongoMembershipChange(const std::optional<MongoReplicaSetConfig>& current,
                                                 const MongoReplicaSetConfig& desired) {
  if (!current) return PlanInitiation(desired);
  std::vector<MongoStep> steps;
  MongoReplicaSetConfig working = *current;
  std::vector<MemberChange> tweaks, moves;
  for (const MemberChange& change : ChangesBetween(*current, desired)) {
    bool tweak = change.kind == MemberChange::Kind::kModify && change.vote_delta == 0;
    (tweak ? tweaks : moves).push_back(change);
  }
  // Priority, hidden and tag changes of kept members move no vote: one reconfig carries them all.
  if (!tweaks.empty()) {
    for (const MemberChange& change : tweaks) Apply(change, working);
    working.version = current->version + 1;
    steps.push_back(WithConfig(MongoStep::Kind::kReconfig, working));
  }
  for (const MemberChange& change : Ordered(moves, working.Voters())) {
    Apply(change, working);
    if (change.kind == MemberChange::Kind::kAdd)
      steps.push_back(Member(MongoStep::Kind::kStartMember, change.member));
    steps.push_back(WithConfig(MongoStep::Kind::kReconfig, working));
    if (change.kind == MemberChange::Kind::kRemove)
      steps.push_back(Member(MongoStep::Kind::kStopMember, change.member));
  }
  return steps;
}

}  // namespace swarmop::reconciler
