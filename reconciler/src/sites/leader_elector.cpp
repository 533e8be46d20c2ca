#include "swarmop/reconciler/sites/leader_elector.h"

namespace swarmop::reconciler {

LeaderElector::LeaderElector(LeaderLease& lease, LeaderCallbacks callbacks, const Clock& clock)
    : lease_(lease), callbacks_(std::move(callbacks)), clock_(clock) {}

LeaderElector::~LeaderElector() { Stop(false); }

void LeaderElector::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void LeaderElector::Stop(bool release) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (release) {
    Status released = lease_.Release();
    if (!released.ok() && callbacks_.error) callbacks_.error(released);
  }
  Notify(false);
}

void LeaderElector::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    lock.unlock();
    auto attempt = lease_.TryAcquireOrRenew();
    if (!attempt.ok() && callbacks_.error) callbacks_.error(attempt.status());
    Notify(lease_.IsLeading());
    lock.lock();
    Clock::TimePoint next = clock_.Now() + lease_.options().retry_period;
    while (!stopping_ && clock_.Now() < next) clock_.WaitUntil(cv_, lock, next);
  }
}

// Runs the callback on a change only; called from the loop and from Stop (after the loop ended).
void LeaderElector::Notify(bool leading) {
  if (leading == was_leading_) return;
  was_leading_ = leading;
  const auto& callback = leading ? callbacks_.started_leading : callbacks_.stopped_leading;
  if (callback) callback();
}

}  // namespace swarmop::reconciler
