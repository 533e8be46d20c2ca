// Converging the swarm to a set of specs, the way `swarmop apply` and `swarmop diff` need it: plan with the
// reconciler core, print the plan or apply it, and optionally wait for the services to run as desired.
#pragma once

#include <chrono>

#include "swarmop/crds/model.h"
#include "swarmop/engine/engine.h"
#include "swarmop/reconciler/core.h"

namespace swarmop::cli {

struct ConvergeArgs {
  bool wait = false;
  std::chrono::milliseconds timeout{std::chrono::minutes(5)};
};

// Plans `desired` against the swarm and applies the plan, printing one line per operation; with `wait`,
// then prints progress until every service runs as desired. Returns kExitOk, or kExitFailed when an
// operation failed or the services did not converge; exits 2 on engine errors.
int ConvergeEstate(engine::Engine& engine, const crds::DesiredState& desired, const ConvergeArgs& args);

// Prints what ConvergeEstate would do. Returns true when the plan has operations.
bool PrintEstatePlan(engine::Engine& engine, const crds::DesiredState& desired);

// PlanEstate, minus any removal of the spec store's own configs; exits 2 on engine errors.
reconciler::PlanResult PlanEstateOrFail(engine::Engine& engine, const crds::DesiredState& desired);

}  // namespace swarmop::cli
