// PlanEstate and CheckReferences: render + gather + plan in one call, for the commands (`swarmop diff/apply`)
// and the controller. They live in the replication layer, not in core, because they may first read what the
// MongoDB replica sets run (PlanEstateOptions::observe_replications) and render with that observation.
#include "swarmop/reconciler/replication/plan_estate.h"

#include "swarmop/reconciler/replication/replication.h"
#include "swarmop/reconciler/replication/replication_observer.h"

namespace swarmop::reconciler {

StatusOr<PlanResult> PlanEstate(engine::Engine& engine, const crds::DesiredState& desired,
                                const PlanEstateOptions& options) {
  RenderOptions render = options.render;
  if (options.observe_replications) {
    auto observed = ObserveReplications(engine, desired);
    if (!observed.ok()) return observed.status();
    UseReplicationRendering(render, SnapshotObserver(std::move(*observed)));
  }
  auto rendered = Render(desired, render);
  if (!rendered.ok()) return rendered.status();
  return PlanRendered(desired, std::move(*rendered), options,
                      [&engine](const RenderedState& scoped) { return GatherActualState(engine, scoped); });
}

StatusOr<std::vector<MissingReference>> CheckReferences(engine::Engine& engine,
                                                        const crds::DesiredState& desired,
                                                        const PlanEstateOptions& options) {
  auto planned = PlanEstate(engine, desired, options);
  if (!planned.ok()) return planned.status();
  return FindMissingReferences(*planned);
}

}  // namespace swarmop::reconciler
