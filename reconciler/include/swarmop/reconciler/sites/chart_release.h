// `swarmop install`, `upgrade` and `uninstall` as one call each: a chart release's specs stored (labelled
// io.swarmop.release=RELEASE) or deleted, its record written or removed (charts/release.h), then the estate
// converged (estate_converge.h). The command only reads its flags, calls one of these, prints the
// EstateOutput's lines and maps the outcome to an exit code.
//
// Why here and not in charts/: the sequencing needs the spec store and the estate convergence, and charts/
// may use the reconciler's core only; this layer already uses both, and uses charts/ for rendering and the
// release records (charts depends on nothing of this layer, so the direction holds).
//
// Sequencing rules: nothing is stored (no spec, no record) when the render fails, a spec is invalid, a spec
// of the render belongs to another release or to none, or a reference is missing ("nothing stored, nothing
// changed"); a dry run writes nothing. Engine errors come back as a Status whose message names what was
// being done ("reading release web: ...").
// Thread-safety: one call at a time per engine and EstateOutput.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "swarmop/base/status.h"
#include "swarmop/charts/chart.h"
#include "swarmop/charts/render.h"
#include "swarmop/crds/load.h"
#include "swarmop/engine/engine.h"
#include "swarmop/reconciler/sites/estate_converge.h"
#include "swarmop/reconciler/store/spec_store.h"

namespace swarmop::reconciler {

enum class ReleaseMode {
  kInstall,           // refused when the release exists
  kUpgrade,           // refused when it does not
  kUpgradeOrInstall,  // upgrade --install
};

struct ChartReleaseOptions {
  std::string release;
  std::string chart_ref;  // as the user named the chart, for the hints ("use `swarmop upgrade web CHART`")
  ReleaseMode mode = ReleaseMode::kInstall;
  // --set flags and the render's environment; release, revision and label_release are set by InstallChart.
  charts::RenderRequest render;
  std::vector<std::string> values_paths;  // -f/--values, in order, read with read_values after the checks
  std::function<StatusOr<std::string>(const std::string& path)> read_values;
  crds::LoadOptions store_load;  // how stored specs parse (the SWARMOP_ENV environment, as the store's)
  bool dry_run = false;
  EstateOptions estate;
};

enum class ReleaseVerdict {
  kDone,          // stored, recorded and converged (a dry run: reported)
  kRefused,       // nothing written: `refusal` (when set) says why, or the reasons were reported
  kNotConverged,  // stored and recorded; the converge failed (the release is marked failed)
};

struct ReleaseOutcome {
  ReleaseVerdict verdict = ReleaseVerdict::kDone;
  std::string refusal;  // one line, when the release's existence or absence refuses the command
};

// Renders `chart` for the release (revision = the stored one + 1), checks every spec, stores them, deletes
// the release's specs the render no longer holds, writes the release record and converges the estate.
StatusOr<ReleaseOutcome> InstallChart(engine::Engine& engine, const charts::Chart& chart,
                                      const ChartReleaseOptions& options, const EstateOutput& output);

struct UninstallOptions {
  std::string release;
  crds::LoadOptions store_load;
  bool dry_run = false;
  EstateOptions estate;
};

// Deletes exactly the release's specs and its record, then converges the rest of the estate (which prunes
// what those specs rendered). Refused when there is neither a record nor a spec of the release.
StatusOr<ReleaseOutcome> UninstallRelease(engine::Engine& engine, const UninstallOptions& options,
                                          const EstateOutput& output);

// The stored specs labelled io.swarmop.release=<release>, sorted by kind and name.
std::vector<const StoredSpec*> ReleaseSpecs(const StoreContents& contents, const std::string& release);

// `desired` without the given Kind/name keys ("Service/x").
crds::DesiredState WithoutSpecs(const crds::DesiredState& desired, const std::vector<std::string>& keys);

}  // namespace swarmop::reconciler
