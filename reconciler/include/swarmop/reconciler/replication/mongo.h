// MongoDB replica sets across sites: the replica set config a Replication implies, the one-voter-per-step
// plan that moves a running replica set from its current config to that one, and client connection strings.
//
// Every member is one Swarm service "<replication>-<site>" (crds::SwarmServiceName) reached at
// "<replication>-<site>:27017". Member `_id`s are stable: the planner keeps a host's `_id` across reconfigs
// (MongoDB refuses a reconfig that changes the `_id` of an existing host).
//
// The voting rules (at most 7 voters, odd number of votes, votes 0 => priority 0, hidden => priority 0) are
// checked by crds when specs are loaded; these functions take a loaded (valid) Replication and do not check
// them again. The planner's intermediate configs may have an even number of voters: MongoDB accepts that
// and it is the price of changing one voter at a time.
// Thread-safety: pure functions over values.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "swarmop/base/status.h"
#include "swarmop/crds/model.h"

namespace swarmop::reconciler {

inline constexpr int kMongoPort = 27017;
inline constexpr int kMongoMaxVoters = 7;
inline constexpr const char* kMongoSiteTag = "site";

struct MongoMemberConfig {
  int id = 0;        // `_id`
  std::string host;  // "sessions-db-cloud:27017"
  int priority = 1;
  int votes = 1;
  bool hidden = false;
  std::map<std::string, std::string> tags;  // always holds "site"

  // The site this member runs at (its "site" tag).
  std::string site() const;
  bool operator==(const MongoMemberConfig&) const = default;
};

// The replica set configuration document (rs.initiate / replSetReconfig), the fields swarmop owns.
struct MongoReplicaSetConfig {
  std::string id;  // replica set name, `_id`
  int64_t version = 1;
  std::vector<MongoMemberConfig> members;  // in `_id` order

  const MongoMemberConfig* FindHost(std::string_view host) const;
  int Voters() const;
  // Equal apart from `version`: a reconfig is needed only when this is false.
  bool SameMembers(const MongoReplicaSetConfig& other) const;
  bool operator==(const MongoReplicaSetConfig&) const = default;
};

// "<replication>-<site>:27017".
std::string MongoMemberHost(std::string_view replication, std::string_view site);

// The config `replication` declares, members `_id` 0..n-1 in spec order, tags {site: <site>} over the
// member's own tags.
MongoReplicaSetConfig MongoConfigOf(const crds::Replication& replication, int64_t version);

// The config as JSON text: {"_id","version","members":[{"_id","host","priority","votes","hidden","tags"}]}.
std::string MongoConfigJson(const MongoReplicaSetConfig& config);
// Reads what MongoConfigJson wrote (or rs.conf() output: unknown fields are ignored).
StatusOr<MongoReplicaSetConfig> ParseMongoConfigJson(std::string_view json);

// MongoConfigJson(MongoConfigOf(replication, version)).
std::string RenderMongoReplicaSetConfig(const crds::Replication& replication, int64_t version);

// One step of moving a replica set to a new config. Each step is run by swarmop (a service created or
// removed, or a job run) and must have completed before the next one starts.
struct MongoStep {
  enum class Kind {
    kStartMember,  // create the member's service (before the reconfig that adds it)
    kInitiate,     // rs.initiate(config) on the first member: only when there is no replica set yet
    kReconfig,     // replSetReconfig(config): at most one voting member added, removed or changed
    kStopMember,   // remove the member's service (after the reconfig that removed it)
  };
  Kind kind = Kind::kReconfig;
  std::string site;              // kStartMember, kStopMember
  MongoReplicaSetConfig config;  // kInitiate, kReconfig: the whole config applied by this step
  bool operator==(const MongoStep&) const = default;
};

// "start member douala", "initiate rs0 v1 [cloud,douala,yaounde]",
// "reconfig rs0 v5 [cloud,douala] voters 2", "stop member yaounde".
std::string ToString(const MongoStep& step);
// Steps joined by "; ".
std::string ToString(const std::vector<MongoStep>& steps);

// The ordered steps from `current` (nullopt: no replica set initiated yet) to `desired`'s members.
// - No current config: start every member, then initiate `desired` at version 1.
// - Otherwise one member changes per reconfig, each reconfig bumping the version by one from current's;
//   members whose settings did not change cause no reconfig (an unchanged set plans nothing and keeps its
//   version). Scale up starts the member, then reconfigs; scale down reconfigs, then stops the member.
//   Changes that do not move a vote go first; then voters are added before others are removed (keeping
//   fault tolerance), except when adding would exceed 7 voters.
// `desired.version` is ignored; `_id`s of hosts already in `current` are kept, new hosts get fresh ones.
std::vector<MongoStep> PlanMongoMembershipChange(const std::optional<MongoReplicaSetConfig>& current,
                                                 const MongoReplicaSetConfig& desired);

// The client connection string for a consumer at `consumer_site`: every non-hidden member as a seed, the
// replica set name, reads from the nearest member preferring the consumer's site (falling back to any), and
// write concern majority. No credentials: a password is read from its secret file by the client.
// "mongodb://a:27017,b:27017/?replicaSet=rs0&readPreference=nearest&readPreferenceTags=site:douala
//  &readPreferenceTags=&w=majority"
std::string MongoConnectionString(const crds::Replication& replication, std::string_view consumer_site);

}  // namespace swarmop::reconciler
