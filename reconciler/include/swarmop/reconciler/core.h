// The convenient entry points for the CLI and the controller: render + gather + diff + plan, and apply.
// A Reconciler (reconciler.h) is built on these; pass PlanEstateOptions::owner to plan one key only.
// Thread-safety: as the functions they call.
#pragma once

#include <optional>

#include "swarmop/base/status.h"
#include "swarmop/crds/model.h"
#include "swarmop/engine/engine.h"
#include "swarmop/reconciler/apply.h"
#include "swarmop/reconciler/converge.h"
#include "swarmop/reconciler/estate.h"
#include "swarmop/reconciler/plan.h"
#include "swarmop/reconciler/reconciler.h"
#include "swarmop/reconciler/render.h"

namespace swarmop::reconciler {

struct PlanEstateOptions {
  RenderOptions render;
  PlanOptions plan;
  std::optional<Request> owner;  // keep only this owner's operations (FilterPlan)
};

struct PlanResult {
  RenderedState desired;
  ActualState actual;
  Plan plan;
};

// Render(desired), GatherActualState, ComputePlan (and FilterPlan when options.owner is set).
StatusOr<PlanResult> PlanEstate(engine::Engine& engine, const crds::DesiredState& desired,
                                const PlanEstateOptions& options = {});

}  // namespace swarmop::reconciler
