// SiteReconcilers: watch mode's reconcile loops for the separate-swarm sites (Site.spec.engine), one per
// site. Each loop has its own engine connection and timeouts (SiteEngines, through a SiteEngine), its own
// spec cache, an EstateReconciler that plans that site's objects only and publishes no spec status (the
// local reconciler owns it), and its own Controller (work queue, workers, event watcher, resync). A dark
// site's calls fail, time out and back off in its own loop; the other sites never wait for it.
//
// The set of loops follows the specs: every `interval` the separate sites' endpoints are compared with the
// running ones, and the loops are rebuilt when they differ.
//
// The specs live in the operator's swarm. LastGoodSpecs hands out the last specs loaded while that swarm
// cannot be read: the sites keep being reconciled to them, and a failed load is never taken for "no specs"
// (which would prune every site).
// Thread-safety: Start/Stop from one thread; the rest from any.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "swarmop/base/status.h"
#include "swarmop/reconciler/controller/controller.h"
#include "swarmop/reconciler/controller/estate_reconciler.h"
#include "swarmop/reconciler/controller/spec_cache.h"
#include "swarmop/reconciler/controller/status_reporter.h"
#include "swarmop/reconciler/sites/site_engines.h"

namespace swarmop::reconciler {

// The operator's specs, or the last ones loaded when they cannot be read now.
// Once specs were loaded, callers never wait for a dark swarm together: while one load is under way, and
// for `retry_after` after a failed one, the others get the last specs at once.
class LastGoodSpecs {
 public:
  explicit LastGoodSpecs(SpecCache& specs, std::chrono::milliseconds retry_after = std::chrono::seconds(5))
      : specs_(specs), retry_after_(retry_after) {}
  // An error only until a first load succeeded.
  StatusOr<std::shared_ptr<const StoreContents>> Get();

 private:
  SpecCache& specs_;
  const std::chrono::milliseconds retry_after_;
  std::mutex load_mu_;  // one load at a time
  std::mutex mu_;
  std::shared_ptr<const StoreContents> last_;
  std::optional<Clock::TimePoint> last_failure_;
};

struct SiteReconcilersOptions {
  std::chrono::milliseconds interval{std::chrono::seconds(5)};
  ControllerOptions controller;
  EstateReconcilerOptions reconcile;  // target_site is set per site
  SiteEngineOptions engines;
  SiteEngines::Connector connect;  // empty: engine::Connect
};

// One site's loop, for /api/v1/status and tests.
struct SiteReconcileState {
  std::string site;
  std::string endpoint;
  bool ready = false;             // every key of its first resync reconciled without error
  bool engine_reachable = false;  // its last resync could list the site's keys
  size_t queue_depth = 0;
  uint64_t resyncs = 0;
};

// Prometheus text for the loops: swarmop_site_loop_{ready,engine_reachable,queue_depth} gauges and
// swarmop_site_loop_resyncs_total, one series per site. Empty when there are no loops.
std::string SiteLoopMetricsText(const std::vector<SiteReconcileState>& states);

class SiteReconcilers {
 public:
  // Borrows both.
  SiteReconcilers(LastGoodSpecs& specs, StatusReporter& status, SiteReconcilersOptions options);
  ~SiteReconcilers();

  // One round: (re)builds the loops for the separate sites of the current specs. An error when no specs
  // could ever be read; the running loops are left as they are then.
  Status Sync();
  void Start();  // Sync now and every `interval`, on its own thread
  void Stop();   // stops the thread and every loop (in-flight reconciles finish); idempotent

  void RequestResync();  // every loop
  std::vector<SiteReconcileState> States() const;

 private:
  struct Loop;
  void StopLoops();
  void Run();

  LastGoodSpecs& specs_;
  StatusReporter& status_;
  SiteReconcilersOptions options_;

  mutable std::mutex loops_mu_;  // guards the loops and the engines they borrow
  std::vector<SiteEndpoint> endpoints_;
  std::string fingerprint_;                           // of the specs the loops last saw
  std::weak_ptr<const StoreContents> fingerprinted_;  // the load fingerprint_ was made from
  std::unique_ptr<SiteEngines> engines_;
  std::vector<std::unique_ptr<Loop>> loops_;

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace swarmop::reconciler
