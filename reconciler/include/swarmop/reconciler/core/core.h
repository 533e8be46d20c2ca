// The convenient entry points for the CLI and the controller: render + gather + diff + plan, and apply.
// A Reconciler (reconciler.h) is built on these; pass PlanEstateOptions::owner to plan one key only.
// PlanEstate itself (render, then PlanRendered) is in replication/plan_estate.h: it may observe the
// replica sets first, which core cannot do without depending on the layer above it.
//
// One engine, one swarm: PlanEstate plans what belongs on the swarm `engine` is. By default that is the
// local swarm (the operator's: every site without Site.spec.engine); the objects of separate-swarm sites are
// then reported in Plan::left_alone. With `target_site` it is that separate-swarm Site's own swarm: only
// its services and network (and the configs they use) are planned, as local objects of that engine.
// Pruning stays within the swarm's share: the local plan never removes an object labelled with a
// separate-swarm site, a site's plan removes only objects labelled with that site, and configs that any
// part of the estate still renders are never removed (so even a Site whose engine is the operator's own
// swarm cannot make two planners undo each other).
// Thread-safety: as the functions they call.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "swarmop/base/status.h"
#include "swarmop/crds/model.h"
#include "swarmop/engine/engine.h"
#include "swarmop/reconciler/core/apply.h"
#include "swarmop/reconciler/core/converge.h"
#include "swarmop/reconciler/core/estate.h"
#include "swarmop/reconciler/core/plan.h"
#include "swarmop/reconciler/core/reconciler.h"
#include "swarmop/reconciler/core/render.h"

namespace swarmop::reconciler {

struct PlanEstateOptions {
  RenderOptions render;
  PlanOptions plan;
  std::optional<Request> owner;  // keep only this owner's operations (FilterPlan)
  // Unset: `engine` is the local swarm. Set: it is this separate-swarm Site's swarm.
  std::optional<std::string> target_site;
  // Set: before rendering, read what the MongoDB Replications run from `engine` (ObserveReplications,
  // replication_observer.h) and render them with that observation (UseReplicationRendering over
  // `render`). The commands and the controller set it; unset, Replications render as never initiated.
  bool observe_replications = false;
};

struct PlanResult {
  RenderedState desired;
  ActualState actual;
  Plan plan;
};

// The Sites of `desired` that are their own swarm (Site.spec.engine set), in spec order.
std::vector<const crds::Site*> SeparateSwarmSites(const crds::DesiredState& desired);

// The part of a rendered estate that goes to one separate-swarm site, re-targeted as local objects of
// that site's engine: its services and networks, and the configs those services reference.
RenderedState SelectSite(const RenderedState& rendered, const std::string& site);

// Where PlanRendered reads the actual state for a rendered state (already cut to the swarm planned).
using ActualStateSource = std::function<StatusOr<ActualState>(const RenderedState&)>;

// The part of PlanEstate after rendering, for callers that render and read the actual state their own way
// (the controller renders one key's objects and reads a cache): [SelectSite], gather, ComputePlan, removals
// kept within the swarm's share, [FilterPlan]. options.render and observe_replications are not used.
StatusOr<PlanResult> PlanRendered(const crds::DesiredState& desired, RenderedState rendered,
                                  const PlanEstateOptions& options, const ActualStateSource& gather);

}  // namespace swarmop::reconciler
