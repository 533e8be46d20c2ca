// Converging an estate for the one-shot commands (`apply`, `install`, `uninstall`) and showing what that
// would do (`diff`, `--dry-run`): the local swarm, then every separate-swarm Site (Site.spec.engine), each
// planned and applied on its own engine. The rules live here, not in the CLI: nothing is written to a swarm
// that lacks a secret, `from:` config or network the writes need (the engine would refuse the services and
// leave half an estate); a site that cannot be reached is reported and the other sites go on.
//
// What a command shows is decided here too, as text sent to an EstateOutput, so `swarmop` prints exactly
// these lines and tests read the same ones. Engine errors of the local swarm come back as a Status (the
// command cannot go on); a separate site's errors are reported and counted, never returned.
// Thread-safety: one call at a time per EstateOutput; the library serializes the lines it sends.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "swarmop/base/status.h"
#include "swarmop/crds/model.h"
#include "swarmop/engine/engine.h"
#include "swarmop/engine/registry_auth.h"
#include "swarmop/reconciler/core/core.h"
#include "swarmop/reconciler/sites/site_engines.h"

namespace swarmop::reconciler {

// Where the lines go. Each call is whole text, newlines included; an empty function drops its text.
struct EstateOutput {
  std::function<void(const std::string&)> report;    // the plan, what was done (stdout)
  std::function<void(const std::string&)> progress;  // shown at once: apply's "done:" lines, --wait's
  std::function<void(const std::string&)> error;     // errors and warnings (stderr)
};

struct EstateOptions {
  // How specs render: DefaultRenderOptions() (controller/default_render.h) for every command, so that
  // apply, diff and run never disagree. Replications are observed before each plan, as `run` does.
  RenderOptions render;
  SiteEngineOptions site_engines;  // timeouts and TLS material of the separate-swarm sites
  SiteEngines::Connector connect;  // engine::Connect when empty (tests connect to FakeEngines)
  // ConvergeEstate: after applying, wait until every service runs as desired, up to `timeout`.
  bool wait = false;
  std::chrono::milliseconds timeout{std::chrono::minutes(5)};
  // The credentials sent for private images: a failed pull says whether its registry had any.
  std::shared_ptr<const engine::RegistryAuth> registry_auth = nullptr;
};

// SWARMOP_TLS_DIR, when set, as SiteEngineOptions::tls_dir: `swarmop` run by hand reads the separate
// sites' TLS material from <dir>/<site>/ instead of Swarm secrets. One place for apply, diff and run.
SiteEngineOptions SiteEngineOptionsFromEnvironment();

enum class ConvergeVerdict {
  kConverged,  // every plan applied (and with `wait`, every service runs as desired)
  kFailed,     // a reference was missing, an operation failed, a service did not converge or a site was dark
};

// Plans the local swarm and applies it, then ConvergeSites; a local failure does not hold the sites back.
// An error: the local swarm could not be planned (nothing was written).
StatusOr<ConvergeVerdict> ConvergeEstate(engine::Engine& engine, const crds::DesiredState& desired,
                                         const EstateOptions& options, const EstateOutput& output);

// Each separate-swarm Site planned and applied on its own engine, one "site <name> (<endpoint>):"
// section each.
ConvergeVerdict ConvergeSites(const crds::DesiredState& desired, const EstateOptions& options,
                              const EstateOutput& output);

// Before the first write of `apply` (even before its specs are stored): reports every secret, `from:`
// config or extra network that the writes would need and a swarm (local or a reachable site) lacks,
// naming its users. Returns how many; an error: the local swarm could not be planned.
StatusOr<int> ReportMissingReferences(engine::Engine& engine, const crds::DesiredState& desired,
                                      const EstateOptions& options, const EstateOutput& output);

// The local swarm's plan with the commands' planning options (warnings not reported).
StatusOr<PlanResult> PlanLocalSwarm(engine::Engine& engine, const crds::DesiredState& desired,
                                    const EstateOptions& options);

// Reports what ConvergeEstate would do. true: a plan has operations or a site cannot be reached.
StatusOr<bool> ReportEstatePlan(engine::Engine& engine, const crds::DesiredState& desired,
                                const EstateOptions& options, const EstateOutput& output);

enum class SitesPlanVerdict { kNoChange, kChanges, kUnreachable };
// Reports each separate-swarm Site's plan ("site <name> (<endpoint>):"), writing nothing.
SitesPlanVerdict ReportSitePlans(const crds::DesiredState& desired, const EstateOptions& options,
                                 const EstateOutput& output);

// One separate-swarm Site's plan for `diff -o json`: `plan_json` is ToJson of its plan, empty with `error`
// set when the site cannot be reached or planned.
struct SitePlanJson {
  std::string site;
  std::string address;
  std::string plan_json;
  std::string error;
  bool changes = false;
};
std::vector<SitePlanJson> SitePlansAsJson(const crds::DesiredState& desired, const EstateOptions& options,
                                          const EstateOutput& output);

}  // namespace swarmop::reconciler
