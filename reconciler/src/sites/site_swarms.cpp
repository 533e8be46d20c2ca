#include "sites/site_swarms.h"

#include <cstdlib>
#include <map>

#include "swarmop/reconciler/replication/plan_estate.h"

namespace swarmop::reconciler {

SiteEngineOptions SiteEngineOptionsFromEnvironment() {
  SiteEngineOptions options;
  if (const char* dir = std::getenv("SWARMOP_TLS_DIR"); dir && *dir) options.tls_dir = dir;
  return options;
}

namespace estate {
namespace {

void ReportUnreachable(const SiteSwarm& swarm, const Status& error, const EstateOutput& output) {
  Emit(output.error, "swarmop: error: site " + swarm.site + " (" + swarm.address +
                         ") cannot be reached: " + error.message() + "; the other sites go on\n");
}

}  // namespace

std::vector<SiteSwarm> ConnectSites(const crds::DesiredState& desired, const EstateOptions& options) {
  std::vector<SiteSwarm> out;
  std::vector<SiteEndpoint> endpoints;
  for (const crds::Site* site : SeparateSwarmSites(desired)) {
    auto endpoint = SiteEndpointFor(*site, options.site_engines);
    if (endpoint.ok()) {
      endpoints.push_back(*endpoint);
    } else {
      out.push_back({site->name(), site->spec.engine->host, nullptr, endpoint.status()});
    }
  }
  SiteEngines engines(endpoints, options.connect);
  std::map<std::string, Status> probed;  // ProbeAll answers in name order
  for (SiteProbe& probe : engines.ProbeAll()) probed[probe.site] = std::move(probe.status);
  for (const SiteEndpoint& endpoint : endpoints) {
    SiteSwarm swarm{endpoint.site, endpoint.endpoint.ToString(), nullptr, probed[endpoint.site]};
    if (swarm.error.ok()) {
      auto engine = engines.EngineFor(swarm.site);  // shared: outlives `engines`
      if (engine.ok()) swarm.engine = *engine;
      swarm.error = engine.status();
    }
    out.push_back(std::move(swarm));
  }
  return out;
}

PlanEstateOptions CommandPlanOptions(const EstateOptions& options, std::optional<std::string> target_site) {
  PlanEstateOptions plan;
  plan.render = options.render;
  plan.observe_replications = true;  // one MongoDB membership step per completed job
  plan.target_site = std::move(target_site);
  return plan;
}

std::optional<PlanResult> PlanSite(const SiteSwarm& swarm, const crds::DesiredState& desired,
                                   const EstateOptions& options, const EstateOutput& output) {
  if (!swarm.engine) {
    ReportUnreachable(swarm, swarm.error, output);
    return std::nullopt;
  }
  auto planned = PlanEstate(*swarm.engine, desired, CommandPlanOptions(options, swarm.site));
  if (!planned.ok()) {
    ReportUnreachable(swarm, planned.status(), output);
    return std::nullopt;
  }
  for (const std::string& warning : planned->plan.warnings) {
    Emit(output.error, "warning: site " + swarm.site + ": " + warning + "\n");
  }
  return std::move(planned).value();
}

int ForEachSitePlan(const crds::DesiredState& desired, const EstateOptions& options,
                    const EstateOutput& output,
                    const std::function<void(const SiteSwarm&, const PlanResult&)>& then) {
  int unplanned = 0;
  for (const SiteSwarm& swarm : ConnectSites(desired, options)) {
    Emit(output.report, "site " + swarm.site + " (" + swarm.address + "):\n");
    std::optional<PlanResult> planned = PlanSite(swarm, desired, options, output);
    if (planned) {
      then(swarm, *planned);
    } else {
      ++unplanned;
    }
  }
  return unplanned;
}

int ReportMissing(const std::vector<MissingReference>& missing, const EstateOutput& output,
                  const std::string& where) {
  for (const MissingReference& m : missing)
    Emit(output.error, "swarmop: error: " + where + m.Message() + "\n");
  return static_cast<int>(missing.size());
}

}  // namespace estate
}  // namespace swarmop::reconciler
