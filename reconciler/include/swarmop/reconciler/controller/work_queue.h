// WorkQueue: the keys that need a reconcile (client-go's rate-limited work queue).
//
//  - De-duplicating: a key already queued is not queued twice.
//  - One worker per key: a key handed out by Get() is not handed out again until Done(); if it is added
//    meanwhile it is queued once, after Done().
//  - Delays: AddAfter() holds a key until its time; AddRateLimited() delays by the key's exponential backoff,
//    Forget() resets that backoff after a success.
//  - Shutdown: ShutDown() stops at once (queued keys are dropped: the loop is level-triggered, a restart
//    resyncs everything); ShutDownWithDrain() hands out what is queued and returns once nothing is in flight.
//
// Thread-safety: every method is safe from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>

#include "swarmop/reconciler/controller/backoff.h"
#include "swarmop/reconciler/core/clock.h"
#include "swarmop/reconciler/core/reconciler.h"

namespace swarmop::reconciler {

class WorkQueue {
 public:
  explicit WorkQueue(BackoffPolicy backoff = {}, const Clock& clock = SystemClock());

  void Add(const Request& key);
  // Add, ahead of every queued key (an event's key: a resync's pass of thousands of keys must not stand
  // between a manual change and its revert). A key in flight is queued first once it is Done.
  void AddFirst(const Request& key);
  void AddAfter(const Request& key, std::chrono::milliseconds delay);
  void AddRateLimited(const Request& key);
  void Forget(const Request& key);
  int Failures(const Request& key) const;

  // Blocks until a key is ready (it is then "in flight" until Done) or the queue shuts down (nullopt).
  std::optional<Request> Get();
  // Non-blocking Get(): nullopt when no key is ready now.
  std::optional<Request> TryGet();
  void Done(const Request& key);

  void ShutDown();
  void ShutDownWithDrain();
  bool ShuttingDown() const;

  size_t Depth() const;     // keys ready to hand out
  size_t Waiting() const;   // keys held by a delay
  size_t InFlight() const;  // keys handed out and not Done yet

 private:
  void AddLocked(const Request& key);
  void PromoteDueLocked();
  std::optional<Request> PopLocked();
  Clock::TimePoint NextDueLocked() const;

  const Clock& clock_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  KeyBackoff backoff_;
  std::deque<Request> ready_;
  std::set<Request> dirty_;  // queued, or marked again while in flight
  std::set<Request> in_flight_;
  std::set<Request> first_;  // in flight and asked for by AddFirst: queued at the front by Done
  std::map<Request, Clock::TimePoint> waiting_;  // key -> earliest time it is due
  bool shutting_down_ = false;
  bool draining_ = false;
};

}  // namespace swarmop::reconciler
