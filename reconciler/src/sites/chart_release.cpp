#include "swarmop/reconciler/sites/chart_release.h"

#include <algorithm>

#include "sites/site_swarms.h"
#include "swarmop/charts/release.h"
#include "swarmop/reconciler/core/labels.h"

namespace swarmop::reconciler {

using estate::During;
using estate::Emit;
using estate::kNothingChanged;
using estate::ReportDiagnostics;

namespace {

constexpr const char* kReading = "reading the stored specs";
constexpr const char* kPlanning = "planning the swarm's changes";

ReleaseOutcome Refused(std::string why = {}) { return {ReleaseVerdict::kRefused, std::move(why)}; }

std::string LabelOr(const std::map<std::string, std::string>& labels, const char* key) {
  auto it = labels.find(key);
  return it == labels.end() ? std::string() : it->second;
}

// A spec of the render that is already stored and is not this release's: installing would take it over.
int ReportTakeovers(const ApplySpecsPlan& plan, const std::string& release, const EstateOutput& output) {
  int conflicts = 0;
  for (const SpecWrite& write : plan.writes) {
    const StoredSpec* current = plan.before.Find(write.kind, write.name);
    if (current == nullptr) continue;
    const std::string owner = LabelOr(current->labels, labels::kRelease);
    if (current->owned && owner == release) continue;
    ++conflicts;
    Emit(output.error,
         write.Key() + " is already stored (config " + current->config_name + ") and " +
             (owner.empty() ? "belongs to no release (applied by hand)" : "belongs to release " + owner) +
             ": release " + release + " would take it over\n");
  }
  return conflicts;
}

void ReportWrites(const ApplySpecsPlan& plan, bool dry_run, const EstateOutput& output) {
  std::string text;
  for (const SpecWrite& write : plan.writes) {
    if (dry_run && write.action != SpecWrite::Action::kUnchanged) {
      text += write.Key() + " would be stored (config " + write.config_name + ")\n";
    } else {
      text += write.Summary() + "\n";
    }
  }
  Emit(output.report, text);
}

// Deletes the stored spec "Kind/name" (already gone is fine).
Status DeleteSpec(SpecStore& store, const std::string& key) {
  const auto slash = key.find('/');
  auto deleted = store.Delete(*ParseKindName(key.substr(0, slash)), key.substr(slash + 1));
  if (!deleted.ok() && deleted.status().code() != Code::kNotFound)
    return During(deleted.status(), "deleting " + key);
  return Status::Ok();
}

// The estate after the dry run's report or the writes: reported, or converged.
StatusOr<ReleaseOutcome> ReportDryRun(engine::Engine& engine, const crds::DesiredState& desired,
                                      const EstateOptions& options, const EstateOutput& output) {
  Emit(output.report, "swarm changes (dry run):\n");
  StatusOr<bool> changes = ReportEstatePlan(engine, desired, options, output);
  if (!changes.ok()) return During(changes.status(), kPlanning);
  if (!*changes) Emit(output.report, "none: the swarm already matches the specs\n");
  return ReleaseOutcome{};
}

// Checks the mode against the stored record: the revision to render, or why the command is refused.
StatusOr<int> NextRevision(engine::Engine& engine, const ChartReleaseOptions& options, std::string& refusal) {
  auto existing = charts::FindRelease(engine, options.release);
  if (!existing.ok()) return During(existing.status(), "reading release " + options.release);
  if (options.mode == ReleaseMode::kInstall && existing->has_value()) {
    refusal = "release " + options.release + " exists (revision " + std::to_string((*existing)->revision) +
              "): use `swarmop upgrade " + options.release + " " + options.chart_ref + "`";
  }
  if (options.mode == ReleaseMode::kUpgrade && !existing->has_value())
    refusal = "no release " + options.release + ": use `swarmop install` or `swarmop upgrade --install`";
  return existing->has_value() ? (*existing)->revision + 1 : 1;
}

}  // namespace

StatusOr<ReleaseOutcome> InstallChart(engine::Engine& engine, const charts::Chart& chart,
                                      const ChartReleaseOptions& options, const EstateOutput& output) {
  std::string refusal;
  StatusOr<int> revision = NextRevision(engine, options, refusal);
  if (!revision.ok()) return revision.status();
  if (!refusal.empty()) return Refused(refusal);

  charts::RenderRequest request = options.render;
  request.release = options.release;
  request.revision = *revision;
  request.label_release = true;
  for (const std::string& path : options.values_paths) {
    StatusOr<std::string> content = options.read_values(path);
    if (!content.ok()) return content.status();
    request.values_files.push_back({path, std::move(content).value()});
  }
  const charts::RenderResult rendered = charts::RenderChart(chart, request);
  if (!rendered.ok()) {
    ReportDiagnostics(rendered.errors, output);
    Emit(output.error, kNothingChanged);
    return Refused();
  }

  SpecStore store(engine, {options.store_load});
  auto planned = store.PlanApply(rendered.manifests);
  if (!planned.ok()) return During(planned.status(), kReading);
  if (!planned->ok()) {
    ReportDiagnostics(planned->errors, output);
    Emit(output.error, kNothingChanged);
    return Refused();
  }
  if (ReportTakeovers(*planned, options.release, output) > 0) {
    Emit(output.error,
         "nothing stored, nothing changed (uninstall the other release or `swarmop delete` the spec)\n");
    return Refused();
  }
  // The release's specs that this render no longer holds (an upgrade that drops a template or a site).
  std::vector<std::string> rendered_keys;
  for (const SpecWrite& write : planned->writes) rendered_keys.push_back(write.Key());
  std::vector<std::string> dropped;
  for (const StoredSpec* spec : ReleaseSpecs(planned->before, options.release)) {
    if (std::find(rendered_keys.begin(), rendered_keys.end(), spec->Key()) == rendered_keys.end())
      dropped.push_back(spec->Key());
  }
  const crds::DesiredState desired = WithoutSpecs(planned->merged, dropped);
  if (!options.dry_run) {
    StatusOr<int> missing = ReportMissingReferences(engine, desired, options.estate, output);
    if (!missing.ok()) return During(missing.status(), kPlanning);
    if (*missing > 0) {
      Emit(output.error, kNothingChanged);
      return Refused();
    }
  }

  const std::string what = "release " + options.release + " revision " + std::to_string(request.revision) +
                           " (" + chart.name + " " + chart.version + ")";
  if (options.dry_run) {
    ReportWrites(*planned, true, output);
    std::string text;
    for (const std::string& key : dropped) text += key + " would be deleted (no longer in the chart)\n";
    Emit(output.report, text + what + " would be recorded\n");
    return ReportDryRun(engine, desired, options.estate, output);
  }
  auto applied = store.Apply(rendered.manifests);
  if (!applied.ok()) return During(applied.status(), "storing the specs");
  if (!applied->plan.ok()) {  // the store changed between plan and apply
    ReportDiagnostics(applied->plan.errors, output);
    return Refused();
  }
  ReportWrites(applied->plan, false, output);
  for (const std::string& key : dropped) {
    Status deleted = DeleteSpec(store, key);
    if (!deleted.ok()) return deleted;
    Emit(output.report, key + " deleted (no longer in the chart)\n");
  }
  charts::ReleaseRecord record;
  record.release = options.release;
  record.chart = chart.name;
  record.version = chart.version;
  record.app_version = chart.app_version;
  record.revision = request.revision;
  record.status = "deployed";
  record.values_json = rendered.values_json;
  record.specs = rendered_keys;
  std::sort(record.specs.begin(), record.specs.end());
  Status recorded = charts::WriteRelease(engine, record);
  if (!recorded.ok()) return During(recorded, "recording release " + options.release);
  Emit(output.report, what + " recorded\n");

  StatusOr<ConvergeVerdict> converged = ConvergeEstate(engine, desired, options.estate, output);
  if (!converged.ok()) return During(converged.status(), kPlanning);
  if (*converged == ConvergeVerdict::kConverged) return ReleaseOutcome{};
  Status marked = charts::SetReleaseStatus(engine, options.release, "failed");
  if (!marked.ok())
    Emit(output.error, "swarmop: marking release " + options.release + " failed: " + marked.message() + "\n");
  return ReleaseOutcome{ReleaseVerdict::kNotConverged, {}};
}

StatusOr<ReleaseOutcome> UninstallRelease(engine::Engine& engine, const UninstallOptions& options,
                                          const EstateOutput& output) {
  auto record = charts::FindRelease(engine, options.release);
  if (!record.ok()) return During(record.status(), "reading release " + options.release);
  SpecStore store(engine, {options.store_load});
  auto stored = store.Load();
  if (!stored.ok()) return During(stored.status(), kReading);
  std::vector<std::string> keys;
  for (const StoredSpec* spec : ReleaseSpecs(*stored, options.release)) keys.push_back(spec->Key());
  if (!record->has_value() && keys.empty()) return Refused("no release " + options.release);
  const crds::DesiredState remaining = WithoutSpecs(stored->state, keys);

  if (options.dry_run) {
    std::string text;
    for (const std::string& key : keys) text += key + " would be deleted\n";
    Emit(output.report, text + "release " + options.release + " would be removed\n");
    return ReportDryRun(engine, remaining, options.estate, output);
  }
  for (const std::string& key : keys) {
    Status deleted = DeleteSpec(store, key);
    if (!deleted.ok()) return deleted;
    Emit(output.report, key + " deleted\n");
  }
  Status removed = charts::RemoveRelease(engine, options.release);
  if (!removed.ok()) return During(removed, "removing release " + options.release);
  Emit(output.report, "release " + options.release + " uninstalled\n");
  StatusOr<ConvergeVerdict> converged = ConvergeEstate(engine, remaining, options.estate, output);
  if (!converged.ok()) return During(converged.status(), kPlanning);
  if (*converged == ConvergeVerdict::kConverged) return ReleaseOutcome{};
  return ReleaseOutcome{ReleaseVerdict::kNotConverged, {}};
}

std::vector<const StoredSpec*> ReleaseSpecs(const StoreContents& contents, const std::string& release) {
  std::vector<const StoredSpec*> out;
  for (const StoredSpec& spec : contents.specs) {
    auto it = spec.labels.find(labels::kRelease);
    if (spec.owned && it != spec.labels.end() && it->second == release) out.push_back(&spec);
  }
  return out;
}

namespace {

template <typename T>
void KeepUnless(const std::vector<T>& from, crds::Kind kind, const std::vector<std::string>& keys,
                std::vector<T>& into) {
  for (const T& object : from) {
    const std::string key = std::string(crds::KindName(kind)) + "/" + object.name();
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) into.push_back(object);
  }
}

}  // namespace

crds::DesiredState WithoutSpecs(const crds::DesiredState& desired, const std::vector<std::string>& keys) {
  crds::DesiredState out;
  KeepUnless(desired.sites, crds::Kind::kSite, keys, out.sites);
  KeepUnless(desired.services, crds::Kind::kService, keys, out.services);
  KeepUnless(desired.replications, crds::Kind::kReplication, keys, out.replications);
  return out;
}

}  // namespace swarmop::reconciler
