// EventWatcher: a thread that follows the engine's /events stream (service, node, config, secret, network)
// and hands each event to a callback. When the stream cannot be opened or breaks, it retries with
// exponential backoff and, once events flow again, calls on_gap: events may have been missed meanwhile, so
// the controller resyncs. Its health says whether the engine answers.
// Thread-safety: Start/Stop from one thread; callbacks run on the watcher's thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "swarmop/engine/engine.h"

namespace swarmop::reconciler {

struct EventWatcherCallbacks {
  std::function<void(const engine::Event&)> on_event;
  std::function<void()> on_gap;                   // after a failure, once the stream works again
  std::function<void(const Status&)> on_error;    // each failure (for logs and metrics)
  std::function<void(bool reachable)> on_health;  // engine reachability as the stream sees it
};

class EventWatcher {
 public:
  EventWatcher(engine::Engine& engine, EventWatcherCallbacks callbacks,
               std::chrono::milliseconds retry_base = std::chrono::milliseconds(200),
               std::chrono::milliseconds retry_cap = std::chrono::seconds(30));
  ~EventWatcher();

  void Start();
  void Stop();  // closes the stream and joins; idempotent

 private:
  void Run();
  bool OpenStream();
  void Pause(std::chrono::milliseconds delay);
  void Failed(const Status& status);

  engine::Engine& engine_;
  EventWatcherCallbacks callbacks_;
  std::chrono::milliseconds retry_base_;
  std::chrono::milliseconds retry_cap_;
  std::chrono::milliseconds retry_next_;
  bool in_failure_ = false;

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::unique_ptr<engine::EventStream> stream_;  // guarded by mu_ for Close() from Stop()
  std::thread thread_;
};

}  // namespace swarmop::reconciler
