// What the estate commands would do, written nowhere: `diff`, `--dry-run`, and the check for missing
// references that `apply` makes before its first write.
#include "sites/site_swarms.h"
#include "swarmop/reconciler/replication/plan_estate.h"

namespace swarmop::reconciler {

using estate::Emit;

namespace {

// A plan's text, ending in a newline when there is any.
std::string PlanText(const Plan& plan) {
  std::string text = ToString(plan);
  if (!text.empty() && text.back() != '\n') text += "\n";
  return text;
}

}  // namespace

StatusOr<PlanResult> PlanLocalSwarm(engine::Engine& engine, const crds::DesiredState& desired,
                                    const EstateOptions& options) {
  // Stored specs (configs labelled io.swarmop.role=spec) are never planned for removal: the core's
  // gather and prune skip them (reconciler/src/core/gather.cpp, plan.cpp).
  return PlanEstate(engine, desired, estate::CommandPlanOptions(options));
}

StatusOr<bool> ReportEstatePlan(engine::Engine& engine, const crds::DesiredState& desired,
                                const EstateOptions& options, const EstateOutput& output) {
  StatusOr<PlanResult> planned = PlanLocalSwarm(engine, desired, options);
  if (!planned.ok()) return planned.status();
  for (const std::string& warning : planned->plan.warnings) Emit(output.error, "warning: " + warning + "\n");
  Emit(output.report, PlanText(planned->plan));
  const bool sites_differ = ReportSitePlans(desired, options, output) != SitesPlanVerdict::kNoChange;
  return !planned->plan.empty() || sites_differ;
}

SitesPlanVerdict ReportSitePlans(const crds::DesiredState& desired, const EstateOptions& options,
                                 const EstateOutput& output) {
  bool changes = false;
  auto report = [&](const estate::SiteSwarm&, const PlanResult& planned) {
    const std::string text = PlanText(planned.plan);
    Emit(output.report, text.empty() ? "  no change\n" : text);
    changes |= !planned.plan.empty();
  };
  const int unplanned = estate::ForEachSitePlan(desired, options, output, report);
  if (unplanned > 0) return SitesPlanVerdict::kUnreachable;  // outranks changes: the diff is incomplete
  return changes ? SitesPlanVerdict::kChanges : SitesPlanVerdict::kNoChange;
}

std::vector<SitePlanJson> SitePlansAsJson(const crds::DesiredState& desired, const EstateOptions& options,
                                          const EstateOutput& output) {
  std::vector<SitePlanJson> out;
  for (const estate::SiteSwarm& swarm : estate::ConnectSites(desired, options)) {
    SitePlanJson site;
    site.site = swarm.site;
    site.address = swarm.address;
    std::optional<PlanResult> planned = estate::PlanSite(swarm, desired, options, output);
    if (planned) {
      site.plan_json = ToJson(planned->plan);
      site.changes = !planned->plan.empty();
    } else {
      site.error = swarm.error.ok() ? "cannot be planned (see the error above)" : swarm.error.message();
    }
    out.push_back(std::move(site));
  }
  return out;
}

StatusOr<int> ReportMissingReferences(engine::Engine& engine, const crds::DesiredState& desired,
                                      const EstateOptions& options, const EstateOutput& output) {
  StatusOr<PlanResult> planned = PlanLocalSwarm(engine, desired, options);
  if (!planned.ok()) return planned.status();
  int missing = estate::ReportMissing(FindMissingReferences(*planned), output);
  for (const estate::SiteSwarm& swarm : estate::ConnectSites(desired, options)) {
    if (!swarm.engine) continue;  // reported when the sites are converged
    auto found = CheckReferences(*swarm.engine, desired, estate::CommandPlanOptions(options, swarm.site));
    if (found.ok()) missing += estate::ReportMissing(*found, output, "site " + swarm.site + ": ");
  }
  return missing;
}

}  // namespace swarmop::reconciler
