#include "swarmop/reconciler/testing/fake_clock.h"

namespace swarmop::reconciler {

// A fixed wall origin keeps RFC 3339 stamps in tests reproducible: 2026-01-01T00:00:00Z.
FakeClock::FakeClock()
    : steady_origin_(std::chrono::steady_clock::time_point{} + std::chrono::hours(1)),
      wall_origin_(std::chrono::system_clock::time_point{} + std::chrono::seconds(1767225600)) {}

Clock::TimePoint FakeClock::Now() const {
  return steady_origin_ + std::chrono::nanoseconds(elapsed_ns_.load());
}

Clock::WallTime FakeClock::WallNow() const {
  return wall_origin_ + std::chrono::duration_cast<std::chrono::system_clock::duration>(
                            std::chrono::nanoseconds(elapsed_ns_.load()));
}

void FakeClock::WaitUntil(std::condition_variable& cv, std::unique_lock<std::mutex>& lock,
                          TimePoint deadline) const {
  if (Now() >= deadline) return;
  // Fake time cannot wake a real condition variable: poll so Advance() is seen within a millisecond.
  cv.wait_for(lock, std::chrono::milliseconds(1));
}

void FakeClock::Advance(std::chrono::nanoseconds d) { elapsed_ns_.fetch_add(d.count()); }

}  // namespace swarmop::reconciler
