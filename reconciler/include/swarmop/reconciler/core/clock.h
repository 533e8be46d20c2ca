// Clock: the time the controller loop reads and waits on, injected so tests can drive it (cert-manager's
// fake clock). Steady time orders the work queue; wall time stamps status conditions.
// Thread-safety: implementations are safe from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace swarmop::reconciler {

class Clock {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  using WallTime = std::chrono::system_clock::time_point;

  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
  virtual WallTime WallNow() const = 0;
  // Blocks on `cv` (whose mutex `lock` holds) until notified or `deadline` passes on this clock. May return
  // early (spurious wake-ups): callers re-check their condition, as with any condition variable.
  virtual void WaitUntil(std::condition_variable& cv, std::unique_lock<std::mutex>& lock,
                         TimePoint deadline) const = 0;
};

// The process's real clocks. Never destroyed.
Clock& SystemClock();

}  // namespace swarmop::reconciler
