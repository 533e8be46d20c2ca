#include <nlohmann/json.hpp>

#include "swarmop/reconciler/controller/operator_routes.h"

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

nlohmann::json SiteJson(const SiteHealth& health, const std::vector<ActiveFailover>& active) {
  nlohmann::json failover = {{"active", false}, {"partner", nullptr}};
  for (const ActiveFailover& a : active) {
    if (a.site == health.site) failover = {{"active", true}, {"partner", a.partner}};
  }
  return {{"name", health.site},
          {"health", SiteHealthName(health.reading.state)},
          {"reason", health.reading.reason},
          {"lastTransitionTime", FormatRfc3339(health.last_transition)},
          {"failover", std::move(failover)}};
}

void AddSites(const SiteSnapshot& snapshot, nlohmann::json& out) {
  nlohmann::json sites = nlohmann::json::array();
  for (const SiteHealth& health : snapshot.health) sites.push_back(SiteJson(health, snapshot.active));
  nlohmann::json warnings = nlohmann::json::array();
  if (snapshot.placement) {
    for (const std::string& warning : snapshot.placement->warnings) warnings.push_back(warning);
  }
  out["sites"] = std::move(sites);
  out["failovers"] = snapshot.failovers;
  out["failbacks"] = snapshot.failbacks;
  out["placementWarnings"] = std::move(warnings);
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
  if (document.sites) AddSites(*document.sites, out);
  if (!document.site_reconcilers.empty()) {
    nlohmann::json loops = nlohmann::json::array();
    for (const SiteReconcileState& s : document.site_reconcilers) {
      loops.push_back({{"site", s.site},
                       {"endpoint", s.endpoint},
                       {"ready", s.ready},
                       {"engineReachable", s.engine_reachable},
                       {"queueDepth", s.queue_depth},
                       {"resyncs", s.resyncs}});
    }
    out["siteReconcilers"] = std::move(loops);
  }
  if (document.git) out["git"] = nlohmann::json::parse(ToJson(*document.git));
  return out.dump(2) + "\n";
}

std::string FollowerStatusJson(const std::string& holder) {
  return nlohmann::json{{"leading", false}, {"holder", holder}}.dump(2) + "\n";
}

}  // namespace swarmop::reconciler
