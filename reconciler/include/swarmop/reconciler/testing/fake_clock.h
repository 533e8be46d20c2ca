// FakeClock: a Clock that moves only when a test says so, so backoff and requeue-after tests are fast and
// deterministic. Waiters poll every millisecond of real time, so Advance() needs no registry of waiters.
// Thread-safety: safe from any thread.
#pragma once

#include <atomic>
#include <chrono>

#include "swarmop/reconciler/core/clock.h"

namespace swarmop::reconciler {

class FakeClock : public Clock {
 public:
  FakeClock();

  TimePoint Now() const override;
  WallTime WallNow() const override;
  void WaitUntil(std::condition_variable& cv, std::unique_lock<std::mutex>& lock,
                 TimePoint deadline) const override;

  // Moves both clocks forward by `d`.
  void Advance(std::chrono::nanoseconds d);

 private:
  std::atomic<int64_t> elapsed_ns_{0};
  TimePoint steady_origin_;
  WallTime wall_origin_;
};

}  // namespace swarmop::reconciler
