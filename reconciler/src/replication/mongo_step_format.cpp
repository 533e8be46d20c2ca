// Human-readable steps for `swarmop diff` and logs.

#include "swarmop/reconciler/replication/mongo.h"

namespace swarmop::reconciler {
namespace {

std::string Version(const MongoReplicaSetConfig& config) {
  return config.id + " v" + std::to_string(config.version);
}

std::string Sites(const MongoReplicaSetConfig& config) {
  std::string out;
  for (const auto& member : config.members) out += (out.empty() ? "" : ",") + member.site();
  return out;
}

}  // namespace

std::string ToString(const MongoStep& step) {
  switch (step.kind) {
    case MongoStep::Kind::kStartMember:
      return "start member " + step.site;
    case MongoStep::Kind::kStopMember:
      return "stop member " + step.site;
    case MongoStep::Kind::kInitiate:
      return "initiate " + Version(step.config) + " [" + Sites(step.config) + "]";
    case MongoStep::Kind::kReconfig:
      return "reconfig " + Version(step.config) + " [" + Sites(step.config) + "] voters " +
             std::to_string(step.config.Voters());
  }
  return "";
}

std::string ToString(const std::vector<MongoStep>& steps) {
  std::string out;
  for (const auto& step : steps) out += (out.empty() ? "" : "; ") + ToString(step);
  return out;
}

}  // namespace swarmop::reconciler
