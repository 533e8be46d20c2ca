#include "sites/site_swarms.h"

#include <cstdlib>
#include <map>

#include "swarmop/reconciler/replication/plan_estate.h"
namespace swarmop::reconciler {
#include "swarmop/reconciler/replication/plan_estate.h"
SiteEngineOptions SiteEngineOptionsFromEnvironment() {
#include "swarmop/reconciler/replication/plan_estate.h"
  SiteEngineOptions options;
#include "swarmop/reconciler/replication/plan_estate.h"
  if (const char* dir = std::getenv("SWARMOP_TLS_DIR"); dir && *dir) options.tls_dir = dir;
#include "swarmop/reconciler/replication/plan_estate.h"
  return options;
#include "swarmop/reconciler/replication/plan_estate.h"
}
#include "swarmop/reconciler/replication/plan_estate.h"
namespace estate {
#include "swarmop/reconciler/replication/plan_estate.h"
namespace {
#include "swarmop/reconciler/replication/plan_estate.h"
void ReportUnreachable(const SiteSwarm& swarm, const Status& error, const EstateOutput& output) {
#include "swarmop/reconciler/replication/plan_estate.h"
  Emit(output.error, "swarmop: error: site " + swarm.site + " (" + swarm.address +
#include "swarmop/reconciler/replication/plan_estate.h"
                         ") cannot be reached: " + error.message() + "; the other sites go on\n");
#include "swarmop/reconciler/replication/plan_estate.h"
}
#include "swarmop/reconciler/replication/plan_estate.h"
}  // namespace
#include "swarmop/reconciler/replication/plan_estate.h"
std::vector<SiteSwarm> ConnectSites(const crds::DesiredState& desired, const EstateOptions& options) {
#include "swarmop/reconciler/replication/plan_estate.h"
  std::vector<SiteSwarm> out;
#include "swarmop/reconciler/replication/plan_estate.h"
  std::vector<SiteEndpoint> endpoints;
#include "swarmop/reconciler/replication/plan_estate.h"
  for (const crds::Site* site : SeparateSwarmSites(desired)) {
#include "swarmop/reconciler/replication/plan_estate.h"
    auto endpoint = SiteEndpointFor(*site, options.site_engines);
#include "swarmop/reconciler/replication/plan_estate.h"
    if (endpoint.ok()) {
#include "swarmop/reconciler/replication/plan_estate.h"
      endpoints.push_back(*endpoint);
#include "swarmop/reconciler/replication/plan_estate.h"
    } else {
#include "swarmop/reconciler/replication/plan_estate.h"
      out.push_back({site->name(), site->spec.engine->host, nullptr, endpoint.status()});
#include "swarmop/reconciler/replication/plan_estate.h"
    }
#include "swarmop/reconciler/replication/plan_estate.h"
  }
#include "swarmop/reconciler/replication/plan_estate.h"
  SiteEngines engines(endpoints, options.connect);
#include "swarmop/reconciler/replication/plan_estate.h"
  std::map<std::string, Status> probed;  // ProbeAll answers in name order
#include "swarmop/reconciler/replication/plan_estate.h"
  for (SiteProbe& probe : engines.ProbeAll()) probed[probe.site] = std::move(probe.status);
#include "swarmop/reconciler/replication/plan_estate.h"
  for (const SiteEndpoint& endpoint : endpoints) {
#include "swarmop/reconciler/replication/plan_estate.h"
    SiteSwarm swarm{endpoint.site, endpoint.endpoint.ToString(), nullptr, probed[endpoint.site]};
#include "swarmop/reconciler/replication/plan_estate.h"
    if (swarm.error.ok()) {
#include "swarmop/reconciler/replication/plan_estate.h"
      auto engine = engines.EngineFor(swarm.site);  // shared: outlives `engines`
#include "swarmop/reconciler/replication/plan_estate.h"
      if (engine.ok()) swarm.engine = *engine;
#include "swarmop/reconciler/replication/plan_estate.h"
      swarm.error = engine.status();
#include "swarmop/reconciler/replication/plan_estate.h"
    }
#include "swarmop/reconciler/replication/plan_estate.h"
    out.push_back(std::move(swarm));
#include "swarmop/reconciler/replication/plan_estate.h"
  }
#include "swarmop/reconciler/replication/plan_estate.h"
  return out;
#include "swarmop/reconciler/replication/plan_estate.h"
}
#include "swarmop/reconciler/replication/plan_estate.h"
PlanEstateOptions CommandPlanOptions(const EstateOptions& options, std::optional<std::string> target_site) {
#include "swarmop/reconciler/replication/plan_estate.h"
  PlanEstateOptions plan;
#include "swarmop/reconciler/replication/plan_estate.h"
  plan.render = options.render;
#include "swarmop/reconciler/replication/plan_estate.h"
  plan.observe_replications = true;  // one MongoDB membership step per completed job
#include "swarmop/reconciler/replication/plan_estate.h"
  plan.target_site = std::move(target_site);
#include "swarmop/reconciler/replication/plan_estate.h"
  return plan;
#include "swarmop/reconciler/replication/plan_estate.h"
}
#include "swarmop/reconciler/replication/plan_estate.h"
std::optional<PlanResult> PlanSite(const SiteSwarm& swarm, const crds::DesiredState& desired,
#include "swarmop/reconciler/replication/plan_estate.h"
                                   const EstateOptions& options, const EstateOutput& output) {
#include "swarmop/reconciler/replication/plan_estate.h"
  if (!swarm.engine) {
#include "swarmop/reconciler/replication/plan_estate.h"
    ReportUnreachable(swarm, swarm.error, output);
#include "swarmop/reconciler/replication/plan_estate.h"
    return std::nullopt;
#include "swarmop/reconciler/replication/plan_estate.h"
  }
#include "swarmop/reconciler/replication/plan_estate.h"
  auto planned = PlanEstate(*swarm.engine, desired, CommandPlanOptions(options, swarm.site));
#include "swarmop/reconciler/replication/plan_estate.h"
  if (!planned.ok()) {
#include "swarmop/reconciler/replication/plan_estate.h"
    ReportUnreachable(swarm, planned.status(), output);
#include "swarmop/reconciler/replication/plan_estate.h"
    return std::nullopt;
#include "swarmop/reconciler/replication/plan_estate.h"
  }
#include "swarmop/reconciler/replication/plan_estate.h"
  for (const std::string& warning : planned->plan.warnings) {
#include "swarmop/reconciler/replication/plan_estate.h"
    Emit(output.error, "warning: site " + swarm.site + ": " + warning + "\n");
#include "swarmop/reconciler/replication/plan_estate.h"
  }
#include "swarmop/reconciler/replication/plan_estate.h"
  return std::move(planned).value();
#include "swarmop/reconciler/replication/plan_estate.h"
}
#include "swarmop/reconciler/replication/plan_estate.h"
int ReportMissing(const std::vector<MissingReference>& missing, const EstateOutput& output,
#include "swarmop/reconciler/replication/plan_estate.h"
                  const std::string& where) {
#include "swarmop/reconciler/replication/plan_estate.h"
  for (const MissingReference& m : missing)
#include "swarmop/reconciler/replication/plan_estate.h"
    Emit(output.error, "swarmop: error: " + where + m.Message() + "\n");
#include "swarmop/reconciler/replication/plan_estate.h"
  return static_cast<int>(missing.size());
#include "swarmop/reconciler/replication/plan_estate.h"
}
#include "swarmop/reconciler/replication/plan_estate.h"
}  // namespace estate
#include "swarmop/reconciler/replication/plan_estate.h"
}  // namespace swarmop::reconciler
#include "swarmop/reconciler/replication/plan_estate.h"
