// What the estate commands would do, written nowhere: `diff`, `--dry-run`, and the check for missing
#include "swarmop/reconciler/replication/plan_estate.h"
// references that `apply` makes before its first write.
#include "sites/site_swarms.h"
#include "swarmop/reconciler/replication/plan_estate.h"
namespace swarmop::reconciler {
#include "swarmop/reconciler/replication/plan_estate.h"
using estate::Emit;
#include "swarmop/reconciler/replication/plan_estate.h"
namespace {
#include "swarmop/reconciler/replication/plan_estate.h"
// A plan's text, ending in a newline when there is any.
#include "swarmop/reconciler/replication/plan_estate.h"
std::string PlanText(const Plan& plan) {
#include "swarmop/reconciler/replication/plan_estate.h"
  std::string text = ToString(plan);
#include "swarmop/reconciler/replication/plan_estate.h"
  if (!text.empty() && text.back() != '\n') text += "\n";
#include "swarmop/reconciler/replication/plan_estate.h"
  return text;
#include "swarmop/reconciler/replication/plan_estate.h"
}
#include "swarmop/reconciler/replication/plan_estate.h"
}  // namespace
#include "swarmop/reconciler/replication/plan_estate.h"
StatusOr<PlanResult> PlanLocalSwarm(engine::Engine& engine, const crds::DesiredState& desired,
#include "swarmop/reconciler/replication/plan_estate.h"
                                    const EstateOptions& options) {
#include "swarmop/reconciler/replication/plan_estate.h"
  // Stored specs (configs labelled io.swarmop.role=spec) are never planned for removal: the core's
#include "swarmop/reconciler/replication/plan_estate.h"
  // gather and prune skip them (reconciler/src/core/gather.cpp, plan.cpp).
#include "swarmop/reconciler/replication/plan_estate.h"
  return PlanEstate(engine, desired, estate::CommandPlanOptions(options));
#include "swarmop/reconciler/replication/plan_estate.h"
}
#include "swarmop/reconciler/replication/plan_estate.h"
StatusOr<bool> ReportEstatePlan(engine::Engine& engine, const crds::DesiredState& desired,
#include "swarmop/reconciler/replication/plan_estate.h"
                                const EstateOptions& options, const EstateOutput& output) {
#include "swarmop/reconciler/replication/plan_estate.h"
  StatusOr<PlanResult> planned = PlanLocalSwarm(engine, desired, options);
#include "swarmop/reconciler/replication/plan_estate.h"
  if (!planned.ok()) return planned.status();
#include "swarmop/reconciler/replication/plan_estate.h"
  for (const std::string& warning : planned->plan.warnings) Emit(output.error, "warning: " + warning + "\n");
#include "swarmop/reconciler/replication/plan_estate.h"
  Emit(output.report, PlanText(planned->plan));
#include "swarmop/reconciler/replication/plan_estate.h"
  const bool sites_differ = ReportSitePlans(desired, options, output) != SitesPlanVerdict::kNoChange;
#include "swarmop/reconciler/replication/plan_estate.h"
  return !planned->plan.empty() || sites_differ;
#include "swarmop/reconciler/replication/plan_estate.h"
}
#include "swarmop/reconciler/replication/plan_estate.h"
SitesPlanVerdict ReportSitePlans(const crds::DesiredState& desired, const EstateOptions& options,
#include "swarmop/reconciler/replication/plan_estate.h"
                                 const EstateOutput& output) {
#include "swarmop/reconciler/replication/plan_estate.h"
  SitesPlanVerdict verdict = SitesPlanVerdict::kNoChange;
#include "swarmop/reconciler/replication/plan_estate.h"
  for (const estate::SiteSwarm& swarm : estate::ConnectSites(desired, options)) {
#include "swarmop/reconciler/replication/plan_estate.h"
    Emit(output.report, "site " + swarm.site + " (" + swarm.address + "):\n");
#include "swarmop/reconciler/replication/plan_estate.h"
    std::optional<PlanResult> planned = estate::PlanSite(swarm, desired, options, output);
#include "swarmop/reconciler/replication/plan_estate.h"
    if (!planned) {
#include "swarmop/reconciler/replication/plan_estate.h"
      verdict = SitesPlanVerdict::kUnreachable;  // outranks changes: the diff is incomplete
#include "swarmop/reconciler/replication/plan_estate.h"
      continue;
#include "swarmop/reconciler/replication/plan_estate.h"
    }
#include "swarmop/reconciler/replication/plan_estate.h"
    const std::string text = PlanText(planned->plan);
#include "swarmop/reconciler/replication/plan_estate.h"
    Emit(output.report, text.empty() ? "  no change\n" : text);
#include "swarmop/reconciler/replication/plan_estate.h"
    if (!planned->plan.empty() && verdict == SitesPlanVerdict::kNoChange)
#include "swarmop/reconciler/replication/plan_estate.h"
      verdict = SitesPlanVerdict::kChanges;
#include "swarmop/reconciler/replication/plan_estate.h"
  }
#include "swarmop/reconciler/replication/plan_estate.h"
  return verdict;
#include "swarmop/reconciler/replication/plan_estate.h"
}
#include "swarmop/reconciler/replication/plan_estate.h"
std::vector<SitePlanJson> SitePlansAsJson(const crds::DesiredState& desired, const EstateOptions& options,
#include "swarmop/reconciler/replication/plan_estate.h"
                                          const EstateOutput& output) {
#include "swarmop/reconciler/replication/plan_estate.h"
  std::vector<SitePlanJson> out;
#include "swarmop/reconciler/replication/plan_estate.h"
  for (const estate::SiteSwarm& swarm : estate::ConnectSites(desired, options)) {
#include "swarmop/reconciler/replication/plan_estate.h"
    SitePlanJson site;
#include "swarmop/reconciler/replication/plan_estate.h"
    site.site = swarm.site;
#include "swarmop/reconciler/replication/plan_estate.h"
    site.address = swarm.address;
#include "swarmop/reconciler/replication/plan_estate.h"
    std::optional<PlanResult> planned = estate::PlanSite(swarm, desired, options, output);
#include "swarmop/reconciler/replication/plan_estate.h"
    if (planned) {
#include "swarmop/reconciler/replication/plan_estate.h"
      site.plan_json = ToJson(planned->plan);
#include "swarmop/reconciler/replication/plan_estate.h"
      site.changes = !planned->plan.empty();
#include "swarmop/reconciler/replication/plan_estate.h"
    } else {
#include "swarmop/reconciler/replication/plan_estate.h"
      site.error = swarm.error.ok() ? "cannot be planned (see the error above)" : swarm.error.message();
#include "swarmop/reconciler/replication/plan_estate.h"
    }
#include "swarmop/reconciler/replication/plan_estate.h"
    out.push_back(std::move(site));
#include "swarmop/reconciler/replication/plan_estate.h"
  }
#include "swarmop/reconciler/replication/plan_estate.h"
  return out;
#include "swarmop/reconciler/replication/plan_estate.h"
}
#include "swarmop/reconciler/replication/plan_estate.h"
StatusOr<int> ReportMissingReferences(engine::Engine& engine, const crds::DesiredState& desired,
#include "swarmop/reconciler/replication/plan_estate.h"
                                      const EstateOptions& options, const EstateOutput& output) {
#include "swarmop/reconciler/replication/plan_estate.h"
  StatusOr<PlanResult> planned = PlanLocalSwarm(engine, desired, options);
#include "swarmop/reconciler/replication/plan_estate.h"
  if (!planned.ok()) return planned.status();
#include "swarmop/reconciler/replication/plan_estate.h"
  int missing = estate::ReportMissing(FindMissingReferences(*planned), output);
#include "swarmop/reconciler/replication/plan_estate.h"
  for (const estate::SiteSwarm& swarm : estate::ConnectSites(desired, options)) {
#include "swarmop/reconciler/replication/plan_estate.h"
    if (!swarm.engine) continue;  // reported when the sites are converged
#include "swarmop/reconciler/replication/plan_estate.h"
    auto found = CheckReferences(*swarm.engine, desired, estate::CommandPlanOptions(options, swarm.site));
#include "swarmop/reconciler/replication/plan_estate.h"
    if (found.ok()) missing += estate::ReportMissing(*found, output, "site " + swarm.site + ": ");
#include "swarmop/reconciler/replication/plan_estate.h"
  }
#include "swarmop/reconciler/replication/plan_estate.h"
  return missing;
#include "swarmop/reconciler/replication/plan_estate.h"
}
#include "swarmop/reconciler/replication/plan_estate.h"
}  // namespace swarmop::reconciler
#include "swarmop/reconciler/replication/plan_estate.h"
