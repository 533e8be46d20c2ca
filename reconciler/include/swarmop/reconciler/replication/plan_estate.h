// PlanEstate: render + gather + plan in one call, for the commands and the controller; CheckReferences: what
// a converge would miss. They sit in the replication layer, above core, because with
// PlanEstateOptions::observe_replications they first read what the MongoDB replica sets run
// (ObserveReplications, replication_observer.h) and render with that observation.
// Thread-safety: safe to call concurrently if the engine is.
#pragma once

#include <vector>

#include "swarmop/base/status.h"
#include "swarmop/crds/model.h"
#include "swarmop/engine/engine.h"
#include "swarmop/reconciler/core/core.h"
#include "swarmop/reconciler/core/missing_references.h"

namespace swarmop::reconciler {

// [ObserveReplications], Render(desired), [SelectSite], GatherActualState, ComputePlan (and FilterPlan when
// options.owner is set).
StatusOr<PlanResult> PlanEstate(engine::Engine& engine, const crds::DesiredState& desired,
                                const PlanEstateOptions& options = {});

// PlanEstate + FindMissingReferences: what a converge of `desired` on `engine` would miss. Reads only.
StatusOr<std::vector<MissingReference>> CheckReferences(engine::Engine& engine,
                                                        const crds::DesiredState& desired,
                                                        const PlanEstateOptions& options = {});

}  // namespace swarmop::reconciler
