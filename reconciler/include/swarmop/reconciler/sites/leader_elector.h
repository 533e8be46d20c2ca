// LeaderElector: keeps trying to acquire or renew a LeaderLease every retry period, on its own thread, and
// says when this replica starts and stops leading. The callbacks are for logs, metrics and starting or
// stopping the controller; the authority is LeaderLease::IsLeading(), which turns false on time even when
// a call to the engine hangs (give the lease its own engine connection with a request timeout well below
// the renew deadline).
// Thread-safety: Start/Stop from one thread; IsLeading from any.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "swarmop/reconciler/core/clock.h"
#include "swarmop/reconciler/sites/leader_lease.h"

namespace swarmop::reconciler {

struct LeaderCallbacks {
  std::function<void()> started_leading;
  std::function<void()> stopped_leading;
  std::function<void(const Status&)> error;  // an attempt failed (engine unreachable, ...)
};

class LeaderElector {
 public:
  // Borrows `lease` and `clock`.
  LeaderElector(LeaderLease& lease, LeaderCallbacks callbacks, const Clock& clock = SystemClock());
  ~LeaderElector();

  void Start();
  // Ends the loop; with `release`, gives the lease up so another replica takes over at once (a crash or a
  // partition does not release: the others wait for the lease to expire). Idempotent.
  void Stop(bool release = true);
  bool IsLeading() const { return lease_.IsLeading(); }

 private:
  void Loop();
  void Notify(bool leading);

  LeaderLease& lease_;
  LeaderCallbacks callbacks_;
  const Clock& clock_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool was_leading_ = false;
  std::thread thread_;
};

}  // namespace swarmop::reconciler
