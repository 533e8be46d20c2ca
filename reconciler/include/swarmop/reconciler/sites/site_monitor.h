// SiteMonitor: the loop that keeps every site's health and the failover decisions current. Each tick reads
// the specs, judges stretched sites from the local swarm's nodes and separate sites by probing their
// engines (SiteEngines, in parallel), feeds the FailoverTracker, reports failover/failback events, and
// re-checks the manager placement. The reconciler asks Active() which failovers to apply (ApplyFailover).
//
// When the local engine cannot list nodes, stretched sites get no reading this tick rather than
// "Unreachable": the operator's own blindness must never fail a site over.
// Thread-safety: Tick from one thread (Start runs it on its own); Snapshot/Active from any.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "swarmop/base/status.h"
#include "swarmop/crds/model.h"
#include "swarmop/engine/engine.h"
#include "swarmop/reconciler/core/clock.h"
#include "swarmop/reconciler/sites/failover.h"
#include "swarmop/reconciler/sites/quorum.h"
#include "swarmop/reconciler/sites/site_engines.h"
#include "swarmop/reconciler/sites/site_health.h"

namespace swarmop::reconciler {

struct SiteMonitorOptions {
  std::chrono::milliseconds interval{std::chrono::seconds(5)};
  FailoverTiming failover;
  SiteEngineOptions engines;
  SiteEngines::Connector connect;  // empty: engine::Connect
  size_t recent_events = 50;       // kept for the status API
  // Runs on the monitor's thread, after a round, for every site whose health state changed in it (the
  // first reading of a site included); may be empty. Watch mode re-reconciles that Site's spec.
  std::function<void(const std::string& site)> on_health_change;
};

struct SiteSnapshot {
  std::vector<SiteHealth> health;  // by site
  std::vector<ActiveFailover> active;
  std::deque<FailoverEvent> recent_events;  // oldest first
  uint64_t failovers = 0;                   // since start
  uint64_t failbacks = 0;
  std::optional<ManagerPlacement> placement;  // when there are stretched sites and nodes could be listed
};

class SiteMonitor {
 public:
  using DesiredSource = std::function<StatusOr<crds::DesiredState>()>;
  using EventSink = std::function<void(const FailoverEvent&)>;

  // Borrows `local` and `clock`. `on_event` (may be empty) runs on the monitor's thread for every event.
  SiteMonitor(engine::Engine& local, DesiredSource desired, SiteMonitorOptions options = {},
              EventSink on_event = {}, const Clock& clock = SystemClock());
  ~SiteMonitor();

  // One round. An error means the specs could not be read; nothing changed then.
  Status Tick();
  void Start();
  void Stop();  // idempotent

  SiteSnapshot Snapshot() const;
  std::vector<ActiveFailover> Active() const;

 private:
  void ObserveStretched(const crds::DesiredState& desired, const std::vector<engine::Node>& nodes);
  void ObserveSeparate(const crds::DesiredState& desired);
  void ForgetRemovedSites(const crds::DesiredState& desired);
  void Record(const std::vector<FailoverEvent>& events);
  void Loop();

  engine::Engine& local_;
  DesiredSource desired_;
  SiteMonitorOptions options_;
  EventSink on_event_;
  const Clock& clock_;
  SiteHealthTracker health_;
  FailoverTracker failover_;                    // Tick's thread only
  std::unique_ptr<SiteEngines> engines_;        // Tick's thread only
  std::vector<SiteEndpoint> engine_endpoints_;  // what engines_ was built from

  mutable std::mutex mu_;
  SiteSnapshot snapshot_;  // all but `health`, which the tracker keeps
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace swarmop::reconciler
