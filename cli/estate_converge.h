// The estate commands' shell (`apply`, `diff`, `install`, `uninstall`): each function calls one function of
// reconciler/sites/estate_converge.h, which decides what happens and what is shown, prints its lines on
// stdout and stderr, and turns its verdict into an exit code.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "swarmop/crds/model.h"
#include "swarmop/engine/engine.h"
#include "swarmop/engine/registry_auth.h"
#include "swarmop/reconciler/core/core.h"
#include "swarmop/reconciler/sites/estate_converge.h"

namespace swarmop::cli {

struct ConvergeArgs {
  bool wait = false;
  std::chrono::milliseconds timeout{std::chrono::minutes(5)};
  // The credentials sent for private images: a failed pull says whether its registry had any.
  std::shared_ptr<const engine::RegistryAuth> registry_auth = nullptr;
};

// reconciler::ConvergeEstate: kExitOk, or kExitFailed when an operation failed, the services did not
// converge or a site could not be reached; exits 2 on engine errors of the local swarm.
int ConvergeEstate(engine::Engine& engine, const crds::DesiredState& desired, const ConvergeArgs& args);

// reconciler::ReportMissingReferences: how many references are missing; exits 2 on engine errors of the
// local swarm.
int CheckReferencesBeforeWriting(engine::Engine& engine, const crds::DesiredState& desired);

// reconciler::ReportEstatePlan: true when a plan has operations or a site is unreachable.
bool PrintEstatePlan(engine::Engine& engine, const crds::DesiredState& desired);

// reconciler::ReportSitePlans: kExitOk when nothing would change, kExitFailed when something would,
// kExitError when a site cannot be reached.
int PrintSitePlans(const crds::DesiredState& desired);

// reconciler::SitePlansAsJson, for `diff -o json`.
using reconciler::SitePlanJson;
std::vector<SitePlanJson> SitePlansAsJson(const crds::DesiredState& desired);

// reconciler::PlanLocalSwarm; exits 2 on engine errors.
reconciler::PlanResult PlanEstateOrFail(engine::Engine& engine, const crds::DesiredState& desired);

}  // namespace swarmop::cli
