// The MongoDB replica set config a Replication declares, and its JSON form.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "swarmop/base/json_depth.h"
#include "swarmop/crds/naming.h"
#include "swarmop/reconciler/replication/mongo.h"

namespace swarmop::reconciler {
namespace {

using nlohmann::ordered_json;

ordered_json MemberJson(const MongoMemberConfig& member) {
  ordered_json tags = ordered_json::object();
  for (const auto& [key, value] : member.tags) tags[key] = value;
  return ordered_json{{"_id", member.id},      {"host", member.host},     {"priority", member.priority},
                      {"votes", member.votes}, {"hidden", member.hidden}, {"tags", tags}};
}

MongoMemberConfig MemberFromJson(const ordered_json& json) {
  MongoMemberConfig member;
  member.id = json.at("_id").get<int>();
  member.host = json.at("host").get<std::string>();
  member.priority = json.value("priority", 1);
  member.votes = json.value("votes", 1);
  member.hidden = json.value("hidden", false);
  if (json.contains("tags")) member.tags = json.at("tags").get<std::map<std::string, std::string>>();
  return member;
}

}  // namespace

std::string MongoMemberConfig::site() const {
  auto it = tags.find(kMongoSiteTag);
  return it == tags.end() ? "" : it->second;
}

const MongoMemberConfig* MongoReplicaSetConfig::FindHost(std::string_view host) const {
  auto it = std::find_if(members.begin(), members.end(), [&](const auto& m) { return m.host == host; });
  return it == members.end() ? nullptr : &*it;
}

int MongoReplicaSetConfig::Voters() const {
  int voters = 0;
  for (const auto& member : members) voters += member.votes;
  return voters;
}

bool MongoReplicaSetConfig::SameMembers(const MongoReplicaSetConfig& other) const {
  return id == other.id && members == other.members;
}

std::string MongoMemberHost(std::string_view replication, std::string_view site) {
  return crds::SwarmServiceName(replication, site) + ":" + std::to_string(kMongoPort);
}

MongoReplicaSetConfig MongoConfigOf(const crds::Replication& replication, int64_t version) {
  MongoReplicaSetConfig config;
  config.id = replication.spec.replica_set;
  config.version = version;
  int next_id = 0;
  for (const crds::MongoMember& spec : replication.spec.members) {
    MongoMemberConfig member;
    member.id = next_id++;
    member.host = MongoMemberHost(replication.name(), spec.site);
    member.priority = spec.priority;
    member.votes = spec.votes;
    member.hidden = spec.hidden;
    member.tags = spec.tags;
    member.tags[kMongoSiteTag] = spec.site;  // read preferences by site rely on it: it wins over a user tag
    config.members.push_back(std::move(member));
  }
  return config;
}

std::string MongoConfigJson(const MongoReplicaSetConfig& config) {
  ordered_json members = ordered_json::array();
  for (const auto& member : config.members) members.push_back(MemberJson(member));
  ordered_json doc{{"_id", config.id}, {"version", config.version}, {"members", members}};
  return doc.dump(2);
}

StatusOr<MongoReplicaSetConfig> ParseMongoConfigJson(std::string_view text) {
  if (JsonNestsDeeperThan(text)) return InvalidArgumentError("replica set config: nested too deep");
  ordered_json doc = ordered_json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object())
    return InvalidArgumentError("replica set config: not a JSON object");
  try {
    MongoReplicaSetConfig config;
    config.id = doc.at("_id").get<std::string>();
    config.version = doc.at("version").get<int64_t>();
    for (const auto& member : doc.at("members")) config.members.push_back(MemberFromJson(member));
    std::sort(config.members.begin(), config.members.end(),
              [](const auto& a, const auto& b) { return a.id < b.id; });
    return config;
  } catch (const nlohmann::json::exception& e) {
    return InvalidArgumentError(std::string("replica set config: ") + e.what());
  }
}

std::string RenderMongoReplicaSetConfig(const crds::Replication& replication, int64_t version) {
  return MongoConfigJson(MongoConfigOf(replication, version));
}

}  // namespace swarmop::reconciler
