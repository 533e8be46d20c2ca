#include "swarmop/reconciler/sites/apply_manifests.h"

#include <nlohmann/json.hpp>

#include "sites/site_swarms.h"
#include "swarmop/reconciler/store/spec_store.h"

namespace swarmop::reconciler {

using estate::During;
using estate::Emit;
using estate::kNothingChanged;
using estate::ReportDiagnostics;

namespace {

void ReportStoreWrites(const ApplySpecsPlan& plan, bool dry_run, const EstateOutput& output) {
  std::string text;
  for (const SpecWrite& write : plan.writes) {
    std::string line = write.Summary();
    if (dry_run && write.action != SpecWrite::Action::kUnchanged)
      line = write.Key() + " would be stored (config " + write.config_name + ")";
    text += line + "\n";
    for (const std::string& old : write.remove_configs)
      text += std::string("  ") + (dry_run ? "would remove" : "removed") + " old config " + old + "\n";
    for (const std::string& theirs : write.unowned_leftover) {
      text += "  config " + theirs + " held an earlier " + write.Key() +
              " and is not swarmop's: left in place (docker config rm " + theirs + ")\n";
    }
  }
  Emit(output.report, text);
}

constexpr const char* kReading = "reading the stored specs";
constexpr const char* kPlanning = "planning the swarm's changes";

}  // namespace

StatusOr<ApplyVerdict> ApplyManifests(engine::Engine& engine, const std::vector<crds::SourceFile>& files,
                                      const ApplyManifestsOptions& options, const EstateOutput& output) {
  SpecStore store(engine, {options.load});
  StatusOr<ApplySpecsPlan> planned = store.PlanApply(files, options.load);
  if (!planned.ok()) return During(planned.status(), kReading);
  ApplySpecsPlan plan = std::move(planned).value();
  if (!options.dry_run) {
    // Every reference the writes need is checked before the first one (storing the specs included): a
    // missing secret must not leave half an estate behind.
    if (plan.ok()) {
      StatusOr<int> missing = ReportMissingReferences(engine, plan.merged, options.estate, output);
      if (!missing.ok()) return During(missing.status(), kPlanning);
      if (*missing > 0) {
        Emit(output.error, kNothingChanged);
        return ApplyVerdict::kRefused;
      }
    }
    StatusOr<ApplySpecsResult> applied = store.Apply(files, options.load);
    if (!applied.ok()) return During(applied.status(), "storing the specs");
    plan = std::move(applied->plan);
  }
  if (!plan.ok()) {
    ReportDiagnostics(plan.errors, output);
    Emit(output.error, kNothingChanged);
    return ApplyVerdict::kRefused;
  }
  ReportStoreWrites(plan, options.dry_run, output);

  if (options.dry_run) {
    Emit(output.report, "swarm changes (dry run):\n");
    StatusOr<bool> changes = ReportEstatePlan(engine, plan.merged, options.estate, output);
    if (!changes.ok()) return During(changes.status(), kPlanning);
    if (!*changes) Emit(output.report, "none: the swarm already matches the specs\n");
    return ApplyVerdict::kApplied;
  }
  StatusOr<ConvergeVerdict> converged = ConvergeEstate(engine, plan.merged, options.estate, output);
  if (!converged.ok()) return During(converged.status(), kPlanning);
  return *converged == ConvergeVerdict::kConverged ? ApplyVerdict::kApplied : ApplyVerdict::kNotConverged;
}

namespace {

const char* SpecOp(const SpecWrite& write) {
  switch (write.action) {
    case SpecWrite::Action::kCreate:
      return "create";
    case SpecWrite::Action::kUpdate:
      return "update";
    case SpecWrite::Action::kUnchanged:
      break;
  }
  return "unchanged";
}

bool SpecChanges(const SpecWrite& write) { return write.action != SpecWrite::Action::kUnchanged; }

// `diff -o json`: {specs, swarm, sites}. kIncomplete when a site cannot be planned.
DiffVerdict ReportJsonDiff(const ApplySpecsPlan& planned, const PlanResult& estate, bool changes,
                           const DiffManifestsOptions& options, const EstateOutput& output) {
  nlohmann::json specs = nlohmann::json::array();
  for (const SpecWrite& write : planned.writes) {
    specs.push_back({{"op", SpecOp(write)},
                     {"kind", crds::KindName(write.kind)},
                     {"name", write.name},
                     {"config", write.config_name},
                     {"hash", write.spec_hash}});
  }
  nlohmann::json sites = nlohmann::json::array();
  bool unreachable = false;
  for (const SitePlanJson& site : SitePlansAsJson(planned.merged, options.estate, output)) {
    nlohmann::json entry = {{"site", site.site}, {"endpoint", site.address}};
    if (site.error.empty()) {
      entry["plan"] = nlohmann::json::parse(site.plan_json);
    } else {
      entry["error"] = site.error;
    }
    unreachable = unreachable || !site.error.empty();
    changes = changes || site.changes;
    sites.push_back(std::move(entry));
  }
  nlohmann::json out = {
      {"specs", specs}, {"swarm", nlohmann::json::parse(ToJson(estate.plan))}, {"sites", std::move(sites)}};
  Emit(output.report, out.dump(2) + "\n");
  if (unreachable) return DiffVerdict::kIncomplete;
  return changes ? DiffVerdict::kChanges : DiffVerdict::kNoChanges;
}

}  // namespace

StatusOr<DiffVerdict> DiffManifests(engine::Engine& engine, const std::vector<crds::SourceFile>& files,
                                    const DiffManifestsOptions& options, const EstateOutput& output) {
  SpecStore store(engine, {options.load});
  StatusOr<ApplySpecsPlan> planned = store.PlanApply(files, options.load);
  if (!planned.ok()) return During(planned.status(), kReading);
  if (!planned->ok()) {
    ReportDiagnostics(planned->errors, output);
    return DiffVerdict::kInvalid;
  }
  StatusOr<PlanResult> estate = PlanLocalSwarm(engine, planned->merged, options.estate);
  if (!estate.ok()) return During(estate.status(), kPlanning);

  bool changes = !estate->plan.empty();
  for (const SpecWrite& write : planned->writes) changes = changes || SpecChanges(write);
  if (options.format == DiffFormat::kJson) return ReportJsonDiff(*planned, *estate, changes, options, output);

  std::string text;
  for (const SpecWrite& write : planned->writes) {
    if (SpecChanges(write)) text += std::string(SpecOp(write)) + " spec " + write.Key() + "\n";
  }
  Emit(output.report, text + ToString(estate->plan));
  // Separate-swarm sites, each planned against its own engine (JSON output includes them under "sites").
  const SitesPlanVerdict sites = ReportSitePlans(planned->merged, options.estate, output);
  if (sites == SitesPlanVerdict::kUnreachable) return DiffVerdict::kIncomplete;
  return changes || sites == SitesPlanVerdict::kChanges ? DiffVerdict::kChanges : DiffVerdict::kNoChanges;
}

}  // namespace swarmop::reconciler
