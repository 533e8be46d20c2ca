#include "swarmop/reconciler/controller/event_watcher.h"

#include <glog/logging.h>

#include <algorithm>

namespace swarmop::reconciler {
namespace {

engine::EventFilter SwarmObjectEvents() {
  engine::EventFilter filter;
  filter.types = {"service", "node", "config", "secret", "network"};
  return filter;
}

}  // namespace

EventWatcher::EventWatcher(engine::Engine& engine, EventWatcherCallbacks callbacks,
                           std::chrono::milliseconds retry_base, std::chrono::milliseconds retry_cap)
    : engine_(engine),
      callbacks_(std::move(callbacks)),
      retry_base_(retry_base),
      retry_cap_(retry_cap),
      retry_next_(retry_base) {}

EventWatcher::~EventWatcher() { Stop(); }

void EventWatcher::Start() {
  thread_ = std::thread([this] { Run(); });
}

void EventWatcher::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    if (stream_) stream_->Close();  // wakes a blocked Next()
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void EventWatcher::Run() {
  while (true) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return;
    }
    if (!stream_ && !OpenStream()) continue;
    auto next = stream_->Next(std::chrono::milliseconds(500));
    if (!next.ok()) {
      Failed(next.status());  // the stream keeps re-opening itself; calling Next() again is allowed
      continue;
    }
    if (in_failure_) {
      in_failure_ = false;
      retry_next_ = retry_base_;
      if (callbacks_.on_health) callbacks_.on_health(true);
      if (callbacks_.on_gap) callbacks_.on_gap();
    }
    if (next->has_value() && callbacks_.on_event) callbacks_.on_event(**next);
  }
}

bool EventWatcher::OpenStream() {
  auto opened = engine_.Events(SwarmObjectEvents());
  if (!opened.ok()) {
    Failed(opened.status());
    return false;
  }
  std::lock_guard<std::mutex> lock(mu_);
  stream_ = std::move(opened).value();
  if (stopping_) stream_->Close();
  // A fresh subscription starts now: what happened before it is for a resync to find, so the first
  // answer of Next() reports a gap (and health) once.
  in_failure_ = true;
  return true;
}

void EventWatcher::Failed(const Status& status) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return;
  }
  LOG(WARNING) << "engine events: " << status.ToString() << "; retrying in " << retry_next_.count() << "ms";
  if (callbacks_.on_error) callbacks_.on_error(status);
  if (callbacks_.on_health) callbacks_.on_health(false);
  in_failure_ = true;
  Pause(retry_next_);
  retry_next_ = std::min(retry_next_ * 2, retry_cap_);
}

void EventWatcher::Pause(std::chrono::milliseconds delay) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, delay, [this] { return stopping_; });
}

}  // namespace swarmop::reconciler
