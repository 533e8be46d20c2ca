// PlanRendered: gather + plan for an estate already rendered (PlanEstate, replication/plan_estate.h, renders
// first). Also the choice of which swarm a plan is for (core.h): the local one, or one separate-swarm site's.
#include <set>

#include "swarmop/reconciler/core/core.h"

namespace swarmop::reconciler {
namespace {

std::set<std::string> ConfigNames(const RenderedState& rendered) {
  std::set<std::string> out;
  for (const DesiredConfig& config : rendered.configs) out.insert(config.spec.name);
  return out;
}

// Whether a planned removal stays within the share of the swarm the plan is for (see core.h).
bool RemovalInScope(const Operation& op, const std::optional<std::string>& target_site,
                    const std::set<std::string>& separate_sites,
                    const std::set<std::string>& rendered_configs) {
  if (op.object == ObjectKind::kConfig && rendered_configs.count(op.name)) return false;
  if (!target_site) return !separate_sites.count(op.site);
  return op.object == ObjectKind::kConfig || op.site == *target_site;
}

// The local swarm's share: everything but the configs that only separate-swarm sites' services use (those
// services themselves stay, so the plan reports them as left alone).
void DropSeparateOnlyConfigs(RenderedState& rendered) {
  std::set<std::string> local_use, separate_use;
  for (const DesiredService& service : rendered.services) {
    auto& use = service.target.local() ? local_use : separate_use;
    for (const auto& ref : service.spec.task_template.container_spec.configs) use.insert(ref.config_name);
  }
  std::erase_if(rendered.configs, [&](const DesiredConfig& config) {
    return config.target.local() && separate_use.count(config.spec.name) &&
           !local_use.count(config.spec.name);
  });
}

}  // namespace

std::vector<const crds::Site*> SeparateSwarmSites(const crds::DesiredState& desired) {
  std::vector<const crds::Site*> out;
  for (const crds::Site& site : desired.sites) {
    if (site.spec.engine) out.push_back(&site);
  }
  return out;
}

RenderedState SelectSite(const RenderedState& rendered, const std::string& site) {
  RenderedState out;
  std::set<std::string> used_configs;
  for (const DesiredService& service : rendered.services) {
    if (service.target.local() || service.target.site != site) continue;
    DesiredService& kept = out.services.emplace_back(service);
    kept.target = Target{};
    for (const auto& ref : kept.spec.task_template.container_spec.configs)
      used_configs.insert(ref.config_name);
  }
  for (const DesiredNetwork& network : rendered.networks) {
    if (network.target.local() || network.target.site != site) continue;
    out.networks.emplace_back(network).target = Target{};
  }
  for (const DesiredConfig& config : rendered.configs) {
    if (used_configs.count(config.spec.name)) out.configs.emplace_back(config).target = Target{};
  }
  return out;
}

StatusOr<PlanResult> PlanRendered(const crds::DesiredState& desired, RenderedState rendered,
                                  const PlanEstateOptions& options, const ActualStateSource& gather) {
  const std::set<std::string> rendered_configs = ConfigNames(rendered);
  if (options.target_site) {
    rendered = SelectSite(rendered, *options.target_site);
  } else {
    DropSeparateOnlyConfigs(rendered);
  }
  auto actual = gather(rendered);
  if (!actual.ok()) return actual.status();
  PlanResult result{std::move(rendered), std::move(*actual), {}};
  result.plan = ComputePlan(result.desired, result.actual, options.plan);
  std::set<std::string> separate_sites;
  for (const crds::Site* site : SeparateSwarmSites(desired)) separate_sites.insert(site->name());
  std::erase_if(result.plan.operations, [&](const Operation& op) {
    return op.op == OpKind::kRemove &&
           !RemovalInScope(op, options.target_site, separate_sites, rendered_configs);
  });
  if (options.owner) result.plan = FilterPlan(result.plan, *options.owner);
  return result;
}

}  // namespace swarmop::reconciler
