// What the estate commands (estate_converge.h) share inside the sites layer: the separate-swarm Sites
// reached for one command, each planned with the commands' options, and the lines they report.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "swarmop/crds/diagnostic.h"
#include "swarmop/reconciler/core/missing_references.h"
#include "swarmop/reconciler/sites/estate_converge.h"

namespace swarmop::reconciler::estate {

// Sends `text` to `sink` when there is one (an EstateOutput may leave a stream out).
inline void Emit(const std::function<void(const std::string&)>& sink, const std::string& text) {
  if (sink) sink(text);
}

// An engine error, its message naming what the command was doing ("reading the stored specs: ..."), as
// `swarmop` prints it.
inline Status During(const Status& status, const std::string& doing) {
  return Status(status.code(), doing + ": " + status.message());
}

// What apply, install and uninstall print when they refuse before their first write.
inline constexpr const char* kNothingChanged = "nothing stored, nothing changed\n";

// Invalid manifests, one line each, then "2 errors in 1 file" (as `swarmop validate` shows them).
inline void ReportDiagnostics(const std::vector<crds::Diagnostic>& errors, const EstateOutput& output) {
  Emit(output.error, crds::FormatDiagnostics(errors) + crds::DiagnosticsSummary(errors) + "\n");
}

// A separate-swarm Site (Site.spec.engine) reached for one command: its engine, or why it cannot be.
struct SiteSwarm {
  std::string site;
  std::string address;
  std::shared_ptr<engine::Engine> engine;  // null when unreachable
  Status error;
};

// Connects to every separate-swarm site at once (each with its own timeouts: a dark site costs its own
// timeout only), in the order the Sites are declared, unreachable endpoints first.
std::vector<SiteSwarm> ConnectSites(const crds::DesiredState& desired, const EstateOptions& options);

// The planning options every command uses: the given render, observed Replications (one MongoDB
// membership step per completed job), only `target_site`'s objects when set.
PlanEstateOptions CommandPlanOptions(const EstateOptions& options,
                                     std::optional<std::string> target_site = std::nullopt);

// The site's plan, its warnings reported; nullopt (reported as unreachable) when it cannot be planned.
std::optional<PlanResult> PlanSite(const SiteSwarm& swarm, const crds::DesiredState& desired,
                                   const EstateOptions& options, const EstateOutput& output);

// The per-site walk of `apply` and `diff`: for each separate-swarm Site, in declaration order, prints its
// header ("site douala (tcp://10.0.0.2:2376):") and plans it (PlanSite), then hands each planned site to
// `then`. Returns how many sites could not be planned (each reported as unreachable).
int ForEachSitePlan(const crds::DesiredState& desired, const EstateOptions& options,
                    const EstateOutput& output,
                    const std::function<void(const SiteSwarm&, const PlanResult&)>& then);

// Reports each missing reference (FindMissingReferences) as one error line prefixed by `where`; returns
// how many.
int ReportMissing(const std::vector<MissingReference>& missing, const EstateOutput& output,
                  const std::string& where = "");

}  // namespace swarmop::reconciler::estate
