// PlanEstate: render + gather + plan in one call, for the CLI (`swarmop diff/apply`) and the controller.
#include "swarmop/reconciler/core.h"

namespace swarmop::reconciler {

StatusOr<PlanResult> PlanEstate(engine::Engine& engine, const crds::DesiredState& desired,
                                const PlanEstateOptions& options) {
  auto rendered = Render(desired, options.render);
  if (!rendered.ok()) return rendered.status();
  auto actual = GatherActualState(engine, *rendered);
  if (!actual.ok()) return actual.status();
  PlanResult result{std::move(*rendered), std::move(*actual), {}};
  result.plan = ComputePlan(result.desired, result.actual, options.plan);
  if (options.owner) result.plan = FilterPlan(result.plan, *options.owner);
  return result;
}

}  // namespace swarmop::reconciler
