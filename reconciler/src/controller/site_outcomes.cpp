#include "swarmop/reconciler/controller/site_outcomes.h"

namespace swarmop::reconciler {

void SiteOutcomes::Record(const std::string& site, const Request& key, std::string outcome) {
  std::lock_guard<std::mutex> lock(mu_);
  auto [it, added] = outcomes_.try_emplace({site, key}, outcome);
  if (!added && it->second == outcome) return;
  it->second = std::move(outcome);
  ++changes_;
}

uint64_t SiteOutcomes::Generation() const {
  std::lock_guard<std::mutex> lock(mu_);
  return changes_;
}

std::string SiteOutcomes::PendingAt(const Request& key, const std::vector<std::string>& sites) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string pending;
  for (const std::string& site : sites) {
    auto it = outcomes_.find({site, key});
    std::string why = it == outcomes_.end() ? "not reconciled yet" : it->second;
    if (why.empty()) continue;
    pending += (pending.empty() ? "" : "; ") + site + ": " + why;
  }
  return pending;
}

}  // namespace swarmop::reconciler
