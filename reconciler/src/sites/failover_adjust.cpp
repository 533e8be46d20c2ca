#include <algorithm>

#include "swarmop/reconciler/sites/failover.h"

namespace swarmop::reconciler {
namespace {

bool IsDark(const std::vector<ActiveFailover>& active, const std::string& site) {
  return std::any_of(active.begin(), active.end(), [&](const ActiveFailover& a) { return a.site == site; });
}

// Raises `service`'s replicas at the partner; returns the effect, or a note when it cannot.
void TakeOver(crds::Service& service, const ActiveFailover& failover, FailoverAdjustment& out) {
  auto dark = service.spec.sites.find(failover.site);
  if (dark == service.spec.sites.end() || dark->second.replicas <= 0) return;
  auto partner = service.spec.sites.find(failover.partner);
  if (partner == service.spec.sites.end()) {
    out.notes.push_back("service " + service.name() + " is not placed at " + failover.partner + ": its " +
                        failover.site + " replicas are not taken over");
    return;
  }
  partner->second.replicas += dark->second.replicas;
  out.effects.push_back(
      {service.name(), failover.site, failover.partner, dark->second.replicas, partner->second.replicas});
}

}  // namespace

std::string FailoverEffect::ToString() const {
  int before = partner_replicas - added_replicas;
  return service + ": " + partner + " runs " + site + "'s " + std::to_string(added_replicas) + " replica" +
         (added_replicas == 1 ? "" : "s") + " too (" + std::to_string(before) + " -> " +
         std::to_string(partner_replicas) + ")";
}

FailoverAdjustment ApplyFailover(const crds::DesiredState& desired,
                                 const std::vector<ActiveFailover>& active) {
  FailoverAdjustment out;
  out.desired = desired;
  for (const ActiveFailover& failover : active) {
    // Two dark partners cannot carry each other: leave both as they are.
    if (IsDark(active, failover.partner)) {
      out.notes.push_back("no takeover of " + failover.site + ": its partner " + failover.partner +
                          " is failed over too");
      continue;
    }
    for (crds::Service& service : out.desired.services) {
      if (service.spec.failover == crds::FailoverPolicy::kTakeover) TakeOver(service, failover, out);
    }
  }
  return out;
}

}  // namespace swarmop::reconciler
