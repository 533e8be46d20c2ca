#include <nlohmann/json.hpp>

#include "swarmop/reconciler/operator_routes.h"

namespace swarmop::reconciler {
namespace {

nlohmann::json ConditionJson(const Condition& c) {
  return {{"type", c.type},
          {"status", c.status ? "True" : "False"},
          {"reason", c.reason},
          {"message", c.message},
          {"observedHash", c.observed_hash},
          {"lastTransitionTime", FormatRfc3339(c.last_transition)}};
}

nlohmann::json SpecJson(const SpecStatus& status) {
  nlohmann::json conditions = nlohmann::json::array();
  for (const Condition& c : status.conditions) conditions.push_back(ConditionJson(c));
  return {{"kind", status.key.kind},
          {"name", status.key.name},
          {"observedHash", status.observed_hash},
          {"conditions", std::move(conditions)}};
}

}  // namespace

std::string ToJson(const StatusDocument& document) {
  nlohmann::json specs = nlohmann::json::array();
  for (const SpecStatus& status : document.specs) specs.push_back(SpecJson(status));
  nlohmann::json out = {{"ready", document.ready},
                        {"engineReachable", document.engine_reachable},
                        {"queueDepth", document.queue_depth},
                        {"lastResync", nullptr},
                        {"specs", std::move(specs)}};
  if (document.last_resync) out["lastResync"] = FormatRfc3339(*document.last_resync);
  return out.dump(2) + "\n";
}

}  // namespace swarmop::reconciler
