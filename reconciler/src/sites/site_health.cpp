#include "swarmop/reconciler/sites/site_health.h"

namespace swarmop::reconciler {
namespace {

bool NodeIsReady(const engine::Node& node) { return node.state == "ready"; }

std::string NodeName(const engine::Node& node) {
  return node.hostname.empty() ? node.spec.name.empty() ? node.id : node.spec.name : node.hostname;
}

}  // namespace

const char* SiteHealthName(SiteHealthState state) {
  switch (state) {
    case SiteHealthState::kReady:
      return "Ready";
    case SiteHealthState::kDegraded:
      return "Degraded";
    case SiteHealthState::kUnreachable:
      return "Unreachable";
  }
  return "?";
}

bool NodeMatchesSelector(const engine::Node& node, const crds::StringMap& node_selector) {
  if (node_selector.empty()) return false;
  for (const auto& [key, value] : node_selector) {
    auto it = node.spec.labels.find(key);
    if (it == node.spec.labels.end() || it->second != value) return false;
  }
  return true;
}

SiteHealthReading EvaluateStretchedSite(const crds::StringMap& node_selector,
                                        const std::vector<engine::Node>& nodes) {
  SiteHealthReading reading;
  std::string not_ready;
  for (const engine::Node& node : nodes) {
    if (!NodeMatchesSelector(node, node_selector)) continue;
    ++reading.nodes_total;
    if (NodeIsReady(node)) {
      ++reading.nodes_ready;
    } else {
      not_ready += (not_ready.empty() ? "" : ", ") + NodeName(node) + " " + node.state;
    }
  }
  if (reading.nodes_total == 0) {
    reading.state = SiteHealthState::kUnreachable;
    reading.reason = "no node matches the site's nodeSelector";
    return reading;
  }
  reading.state = reading.nodes_ready == reading.nodes_total ? SiteHealthState::kReady
                  : reading.nodes_ready == 0                 ? SiteHealthState::kUnreachable
                                                             : SiteHealthState::kDegraded;
  reading.reason = std::to_string(reading.nodes_ready) + "/" + std::to_string(reading.nodes_total) +
                   " nodes ready" + (not_ready.empty() ? "" : ": " + not_ready);
  return reading;
}

SiteHealthReading EvaluateSeparateSite(const Status& probe) {
  SiteHealthReading reading;
  if (probe.ok()) {
    reading.state = SiteHealthState::kReady;
    reading.reason = "engine answers";
  } else {
    reading.state = SiteHealthState::kUnreachable;
    reading.reason = "engine unreachable: " + probe.ToString();
  }
  return reading;
}

SiteHealthTracker::SiteHealthTracker(const Clock& clock) : clock_(clock) {}

SiteHealth SiteHealthTracker::Observe(const std::string& site, SiteHealthReading reading) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = sites_.find(site);
  bool changed = it == sites_.end() || it->second.reading.state != reading.state;
  SiteHealth& health = sites_[site];
  health.site = site;
  health.reading = std::move(reading);
  if (changed) {
    health.last_transition = clock_.WallNow();
    health.since = clock_.Now();
  }
  return health;
}

std::optional<SiteHealth> SiteHealthTracker::Get(const std::string& site) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = sites_.find(site);
  if (it == sites_.end()) return std::nullopt;
  return it->second;
}

std::vector<SiteHealth> SiteHealthTracker::All() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<SiteHealth> out;
  for (const auto& [name, health] : sites_) out.push_back(health);
  return out;
}

void SiteHealthTracker::Forget(const std::string& site) {
  std::lock_guard<std::mutex> lock(mu_);
  sites_.erase(site);
}

}  // namespace swarmop::reconciler
