#include "swarmop/reconciler/controller/work_queue.h"

#include <algorithm>

namespace swarmop::reconciler {

WorkQueue::WorkQueue(BackoffPolicy backoff, const Clock& clock) : clock_(clock), backoff_(backoff) {}

void WorkQueue::Add(const Request& key) {
  std::lock_guard<std::mutex> lock(mu_);
  AddLocked(key);
}

void WorkQueue::AddLocked(const Request& key) {
  if (shutting_down_ || dirty_.count(key)) return;
  dirty_.insert(key);
  if (in_flight_.count(key)) return;  // Done() queues it: never two workers on one key.
  ready_.push_back(key);
  cv_.notify_one();
}

void WorkQueue::AddFirst(const Request& key) {
  std::lock_guard<std::mutex> lock(mu_);
  if (shutting_down_) return;
  if (in_flight_.count(key)) {
    dirty_.insert(key);
    first_.insert(key);
    return;
  }
  if (dirty_.count(key)) {
    auto it = std::find(ready_.begin(), ready_.end(), key);
    if (it == ready_.begin()) return;
    if (it != ready_.end()) ready_.erase(it);
  }
  dirty_.insert(key);
  ready_.push_front(key);
  cv_.notify_one();
}

void WorkQueue::AddAfter(const Request& key, std::chrono::milliseconds delay) {
  if (delay <= std::chrono::milliseconds::zero()) return Add(key);
  std::lock_guard<std::mutex> lock(mu_);
  if (shutting_down_) return;
  Clock::TimePoint due = clock_.Now() + delay;
  auto [it, inserted] = waiting_.emplace(key, due);
  if (!inserted && due < it->second) it->second = due;  // the earliest wish wins
  cv_.notify_all();                                     // a sleeping worker may need an earlier wake-up
}

void WorkQueue::AddRateLimited(const Request& key) {
  std::chrono::milliseconds delay;
  {
    std::lock_guard<std::mutex> lock(mu_);
    delay = backoff_.NextDelay(key);
  }
  AddAfter(key, delay);
}

void WorkQueue::Forget(const Request& key) {
  std::lock_guard<std::mutex> lock(mu_);
  backoff_.Reset(key);
}

int WorkQueue::Failures(const Request& key) const {
  std::lock_guard<std::mutex> lock(mu_);
  return backoff_.Failures(key);
}

void WorkQueue::PromoteDueLocked() {
  Clock::TimePoint now = clock_.Now();
  for (auto it = waiting_.begin(); it != waiting_.end();) {
    if (it->second > now) {
      ++it;
      continue;
    }
    Request key = it->first;
    it = waiting_.erase(it);
    AddLocked(key);
  }
}

Clock::TimePoint WorkQueue::NextDueLocked() const {
  Clock::TimePoint next = Clock::TimePoint::max();
  for (const auto& [key, due] : waiting_) next = std::min(next, due);
  return next;
}

std::optional<Request> WorkQueue::PopLocked() {
  if (ready_.empty()) return std::nullopt;
  Request key = ready_.front();
  ready_.pop_front();
  dirty_.erase(key);
  in_flight_.insert(key);
  return key;
}

std::optional<Request> WorkQueue::Get() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    if (shutting_down_ && !draining_) return std::nullopt;
    PromoteDueLocked();
    if (auto key = PopLocked()) return key;
    if (shutting_down_) return std::nullopt;  // draining and nothing left
    clock_.WaitUntil(cv_, lock, NextDueLocked());
  }
}

std::optional<Request> WorkQueue::TryGet() {
  std::lock_guard<std::mutex> lock(mu_);
  if (shutting_down_ && !draining_) return std::nullopt;
  PromoteDueLocked();
  return PopLocked();
}

void WorkQueue::Done(const Request& key) {
  std::lock_guard<std::mutex> lock(mu_);
  in_flight_.erase(key);
  bool first = first_.erase(key) > 0;
  if (dirty_.count(key) && !(shutting_down_ && !draining_)) {
    if (first) {
      ready_.push_front(key);
    } else {
      ready_.push_back(key);
    }
  }
  cv_.notify_all();
}

void WorkQueue::ShutDown() {
  std::lock_guard<std::mutex> lock(mu_);
  shutting_down_ = true;
  draining_ = false;
  ready_.clear();
  dirty_.clear();
  first_.clear();
  waiting_.clear();
  cv_.notify_all();
}

void WorkQueue::ShutDownWithDrain() {
  std::unique_lock<std::mutex> lock(mu_);
  shutting_down_ = true;
  draining_ = true;
  waiting_.clear();  // delayed retries are not "queued work": a restart resyncs them
  cv_.notify_all();
  while (!ready_.empty() || !in_flight_.empty()) cv_.wait_for(lock, std::chrono::milliseconds(5));
  draining_ = false;
  cv_.notify_all();
}

bool WorkQueue::ShuttingDown() const {
  std::lock_guard<std::mutex> lock(mu_);
  return shutting_down_;
}

size_t WorkQueue::Depth() const {
  std::lock_guard<std::mutex> lock(mu_);
  return ready_.size();
}

size_t WorkQueue::Waiting() const {
  std::lock_guard<std::mutex> lock(mu_);
  return waiting_.size();
}

size_t WorkQueue::InFlight() const {
  std::lock_guard<std::mutex> lock(mu_);
  return in_flight_.size();
}

}  // namespace swarmop::reconciler
