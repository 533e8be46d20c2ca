// Site health: is a site Ready, Degraded or Unreachable, and since when.
//
// A stretched site (nodes of the operator's swarm chosen by Site.spec.nodeSelector) is judged by its nodes:
// every node ready = Ready, some not ready = Degraded, none ready (or no node at all) = Unreachable. A
// separate-swarm site (Site.spec.engine) is judged by a probe of its engine: it answers = Ready, it does not
// = Unreachable. Evaluation is pure; SiteHealthTracker adds memory: the time of the last state change, on
// the wall clock (for people) and the steady clock (for failover's grace and hold-down periods).
// Thread-safety: the functions are pure; SiteHealthTracker is safe from any thread.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "swarmop/base/status.h"
#include "swarmop/crds/model.h"
#include "swarmop/engine/node.h"
#include "swarmop/reconciler/core/clock.h"

namespace swarmop::reconciler {

enum class SiteHealthState { kReady, kDegraded, kUnreachable };
// "Ready", "Degraded", "Unreachable".
const char* SiteHealthName(SiteHealthState state);

// One judgement of a site at one moment, with the reason people see ("2/3 nodes ready: yaounde-2 down").
struct SiteHealthReading {
  SiteHealthState state = SiteHealthState::kUnreachable;
  std::string reason;
  int nodes_ready = 0;  // stretched sites only
  int nodes_total = 0;
  bool operator==(const SiteHealthReading&) const = default;
};

// True when every label of `node_selector` is on the node (node labels, as placement constraints see them).
// An empty selector matches no node: a site must say which nodes are its own.
bool NodeMatchesSelector(const engine::Node& node, const crds::StringMap& node_selector);

// Stretched site: the nodes (of the whole swarm) that match `node_selector` decide.
SiteHealthReading EvaluateStretchedSite(const crds::StringMap& node_selector,
                                        const std::vector<engine::Node>& nodes);

// Separate-swarm site: the result of probing its engine decides.
SiteHealthReading EvaluateSeparateSite(const Status& probe);

struct SiteHealth {
  std::string site;
  SiteHealthReading reading;
  Clock::WallTime last_transition{};  // when `reading.state` last changed (first observation counts)
  Clock::TimePoint since{};           // the same moment on the steady clock
};

class SiteHealthTracker {
 public:
  explicit SiteHealthTracker(const Clock& clock = SystemClock());

  // Records a reading for `site` and returns its health. The transition times move only when the state
  // changes: a new reason or node count within the same state keeps them.
  SiteHealth Observe(const std::string& site, SiteHealthReading reading);
  std::optional<SiteHealth> Get(const std::string& site) const;
  std::vector<SiteHealth> All() const;  // sorted by site
  // The site is gone from the specs.
  void Forget(const std::string& site);

 private:
  const Clock& clock_;
  mutable std::mutex mu_;
  std::map<std::string, SiteHealth> sites_;
};

}  // namespace swarmop::reconciler
