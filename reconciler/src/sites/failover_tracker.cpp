#include <algorithm>

#include "swarmop/reconciler/sites/failover.h"

namespace swarmop::reconciler {
namespace {

const SiteHealth* FindHealth(const std::vector<SiteHealth>& health, const std::string& site) {
  auto it = std::find_if(health.begin(), health.end(), [&](const SiteHealth& h) { return h.site == site; });
  return it == health.end() ? nullptr : &*it;
}

}  // namespace

FailoverTracker::FailoverTracker(FailoverTiming timing) : timing_(timing) {}

std::vector<FailoverEvent> FailoverTracker::Update(const crds::DesiredState& desired,
                                                   const std::vector<SiteHealth>& health,
                                                   Clock::TimePoint now) {
  std::map<std::string, FailoverMachine> kept;
  for (const crds::Site& site : desired.sites) {
    if (site.spec.failover.empty() || site.spec.failover == site.name()) continue;
    auto it = machines_.find(site.name());
    if (it != machines_.end() && it->second.partner() == site.spec.failover) {
      kept.emplace(site.name(), std::move(it->second));
    } else {
      kept.emplace(site.name(), FailoverMachine(site.name(), site.spec.failover, timing_));
    }
  }
  machines_ = std::move(kept);

  std::vector<FailoverEvent> events;
  for (auto& [name, machine] : machines_) {
    const SiteHealth* seen = FindHealth(health, name);
    if (!seen) continue;
    if (auto event = machine.Observe(seen->reading.state, now)) events.push_back(std::move(*event));
  }
  return events;
}

std::vector<ActiveFailover> FailoverTracker::Active() const {
  std::vector<ActiveFailover> out;
  for (const auto& [name, machine] : machines_) {
    if (machine.failed_over()) out.push_back({machine.site(), machine.partner()});
  }
  return out;
}

}  // namespace swarmop::reconciler
