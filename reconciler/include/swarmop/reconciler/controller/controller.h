// Controller: the watch-mode loop. Keys flow into one WorkQueue from three places, and N workers drain it:
//   - a resync every `resync` (and whenever an event asks for one): reload specs, list every key
//     (KeyLister), queue them all, refresh the OwnerIndex;
//   - engine events (EventWatcher thread): each only marks work (event_router.h); a broken stream is
//     re-opened with backoff and followed by a resync, since events may have been missed. With an
//     ActualCache, each event first re-reads the object it names into the cache, whose labels then say
//     which key it concerns (a created service needs no resync to be routed);
//   - the workers themselves: requeue_after, and backoff on error (the queue alone decides retries).
// Ready (for /readyz) once every key of the first successful resync reconciled without error, and while
// the engine answers.
// Thread-safety: Start/Stop from one thread; the accessors from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include "swarmop/engine/engine.h"
#include "swarmop/reconciler/cache/actual_cache.h"
#include "swarmop/reconciler/controller/event_watcher.h"
#include "swarmop/reconciler/controller/key_lister.h"
#include "swarmop/reconciler/controller/metrics.h"
#include "swarmop/reconciler/controller/own_writes.h"
#include "swarmop/reconciler/controller/work_queue.h"
#include "swarmop/reconciler/core/clock.h"
#include "swarmop/reconciler/core/reconciler.h"

namespace swarmop::reconciler {

struct ControllerOptions {
  int workers = 2;
  std::chrono::milliseconds resync{std::chrono::seconds(30)};
  BackoffPolicy backoff;  // per key, on reconcile errors
  // Event stream re-open backoff.
  std::chrono::milliseconds events_retry_base{std::chrono::milliseconds(200)};
  std::chrono::milliseconds events_retry_cap{std::chrono::seconds(30)};
  bool watch_events = true;
  // Watch mode: the cache of the actual state the reconcilers read (actual_cache.h); the controller keeps it
  // current from the events (the KeyLister fills it at each resync). Null: events route by the index of
  // the last resync.
  ActualCache* cache = nullptr;
};

class Controller {
 public:
  // Borrows everything; `metrics` may be null. A resync's KeyLister reloads the specs.
  Controller(engine::Engine& engine, Reconciler& reconciler, KeyLister& keys, OwnWrites& own_writes,
             Metrics* metrics, ControllerOptions options = {}, const Clock& clock = SystemClock());
  ~Controller();

  void Start();
  // Stops taking events and resyncs, lets in-flight reconciles finish, joins every thread. Idempotent.
  void Stop();

  // Marks work (what events do): the key is reconciled soon. Any source may call it (tests, the site
  // monitor, a profile hook that enqueues the Services deriving from a changed one).
  void Mark(const Request& key);
  void RequestResync();

  bool Ready() const;
  bool EngineReachable() const { return engine_reachable_.load(); }
  size_t QueueDepth() const { return queue_.Depth(); }
  std::optional<Clock::WallTime> LastResync() const;
  uint64_t Resyncs() const { return resyncs_.load(); }

 private:
  void WorkerLoop();
  void TrimAfterPass();
  void ProcessOne(const Request& key);
  void ResyncLoop();
  bool Resync();  // false when the keys could not be listed
  void OnReconciled(const Request& key, bool ok);
  void RouteEngineEvent(const engine::Event& event);

  engine::Engine& engine_;
  Reconciler& reconciler_;
  KeyLister& keys_;
  OwnWrites& own_writes_;
  Metrics* metrics_;
  ControllerOptions options_;
  const Clock& clock_;
  WorkQueue queue_;

  mutable std::mutex mu_;
  std::condition_variable resync_cv_;
  bool resync_requested_ = true;  // the first pass runs at once
  bool stopping_ = false;
  OwnerIndex index_;
  std::optional<Clock::WallTime> last_resync_;
  std::optional<std::set<Request>> first_pass_pending_;  // keys of the first resync not yet reconciled ok
  bool ready_ = false;

  std::atomic<bool> engine_reachable_{false};
  std::atomic<uint64_t> resyncs_{0};
  std::atomic<uint64_t> trimmed_{0};  // the resync after whose pass freed memory was last given back
  std::vector<std::thread> workers_;
  std::thread resync_thread_;
  std::unique_ptr<EventWatcher> events_;
  bool started_ = false;
};

}  // namespace swarmop::reconciler
