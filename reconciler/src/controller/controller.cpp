#include "swarmop/reconciler/controller/controller.h"

#include <glog/logging.h>
#include <malloc.h>

#include "swarmop/reconciler/controller/event_router.h"

namespace swarmop::reconciler {

Controller::Controller(engine::Engine& engine, Reconciler& reconciler, KeyLister& keys, OwnWrites& own_writes,
                       Metrics* metrics, ControllerOptions options, const Clock& clock)
    : engine_(engine),
      reconciler_(reconciler),
      keys_(keys),
      own_writes_(own_writes),
      metrics_(metrics),
      options_(options),
      clock_(clock),
      queue_(options.backoff, clock) {}

Controller::~Controller() { Stop(); }

void Controller::Start() {
  if (started_) return;
  started_ = true;
  LOG(INFO) << "controller: " << options_.workers << " worker(s), resync every " << options_.resync.count()
            << "ms";
  for (int i = 0; i < options_.workers; ++i) workers_.emplace_back([this] { WorkerLoop(); });
  resync_thread_ = std::thread([this] { ResyncLoop(); });
  if (!options_.watch_events) return;
  EventWatcherCallbacks callbacks;
  callbacks.on_event = [this](const engine::Event& event) { RouteEngineEvent(event); };
  callbacks.on_gap = [this] { RequestResync(); };
  callbacks.on_error = [this](const Status&) {
    if (metrics_) metrics_->CountError("events");
  };
  callbacks.on_health = [this](bool reachable) { engine_reachable_ = reachable; };
  events_ = std::make_unique<EventWatcher>(engine_, std::move(callbacks), options_.events_retry_base,
                                           options_.events_retry_cap);
  events_->Start();
}

void Controller::Stop() {
  if (!started_) return;
  started_ = false;
  LOG(INFO) << "controller: stopping (in-flight reconciles finish)";
  if (events_) events_->Stop();  // no new events
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  resync_cv_.notify_all();
  if (resync_thread_.joinable()) resync_thread_.join();
  queue_.ShutDown();  // workers finish what they hold, then Get() returns nothing
  for (std::thread& worker : workers_) worker.join();
  workers_.clear();
  LOG(INFO) << "controller: stopped";
}

void Controller::Mark(const Request& key) {
  queue_.Add(key);
  if (metrics_) metrics_->SetQueueDepth(static_cast<double>(queue_.Depth()));
}

void Controller::RequestResync() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    resync_requested_ = true;
  }
  resync_cv_.notify_all();
}

bool Controller::Ready() const {
  std::lock_guard<std::mutex> lock(mu_);
  return ready_ && engine_reachable_.load();
}

std::optional<Clock::WallTime> Controller::LastResync() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_resync_;
}

void Controller::WorkerLoop() {
  while (auto key = queue_.Get()) {
    ProcessOne(*key);
    queue_.Done(*key);
    if (metrics_) metrics_->SetQueueDepth(static_cast<double>(queue_.Depth()));
    TrimAfterPass();
  }
}

// A resync's pass (the listings, the reloaded specs, a render per key) frees as much as it allocated, spread
// over every thread's malloc arena; glibc keeps those pages. Once per pass, when the queue is empty, they
// are given back to the system.
void Controller::TrimAfterPass() {
  if (queue_.Depth() != 0 || queue_.InFlight() != 0) return;
  uint64_t resyncs = resyncs_.load();
  uint64_t trimmed = trimmed_.load();
  if (trimmed == resyncs || !trimmed_.compare_exchange_strong(trimmed, resyncs)) return;
  malloc_trim(0);
}

void Controller::ProcessOne(const Request& key) {
  auto start = std::chrono::steady_clock::now();
  VLOG(1) << "reconcile " << key.ToString();
  StatusOr<Result> result = reconciler_.Reconcile(key);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!result.ok()) {
    queue_.AddRateLimited(key);
    LOG(WARNING) << "reconcile " << key.ToString() << " failed (retry #" << queue_.Failures(key)
                 << " with backoff): " << result.status().ToString();
    if (metrics_) {
      metrics_->ObserveReconcile("error", seconds);
      metrics_->CountError("reconcile");
    }
    OnReconciled(key, false);
    return;
  }
  queue_.Forget(key);
  bool requeue = result->requeue_after > std::chrono::milliseconds::zero();
  if (requeue) queue_.AddAfter(key, result->requeue_after);
  if (metrics_)
    metrics_->ObserveReconcile(requeue ? "requeue" : result->steady ? "steady" : "success", seconds);
  OnReconciled(key, true);
}

void Controller::OnReconciled(const Request& key, bool ok) {
  if (ok) engine_reachable_ = true;
  std::lock_guard<std::mutex> lock(mu_);
  if (!first_pass_pending_ || !ok) return;
  first_pass_pending_->erase(key);
  if (first_pass_pending_->empty() && !ready_) {
    ready_ = true;
    LOG(INFO) << "controller: first full reconcile done; ready";
  }
}

void Controller::ResyncLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  Clock::TimePoint next = clock_.Now();
  std::chrono::milliseconds retry = options_.events_retry_base;
  while (!stopping_) {
    if (!resync_requested_ && clock_.Now() < next) {
      clock_.WaitUntil(resync_cv_, lock, next);
      continue;
    }
    resync_requested_ = false;
    lock.unlock();
    bool listed = Resync();
    // Coalesce bursts of events (an apply emits one per object): at most a few resyncs a second.
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    lock.lock();
    // A failed listing (engine down) is retried sooner than the period, with backoff.
    next = clock_.Now() + (listed ? options_.resync : std::min(retry, options_.resync));
    retry = listed ? options_.events_retry_base : std::min(retry * 2, options_.events_retry_cap);
  }
}

bool Controller::Resync() {
  auto snapshot = keys_.ListKeys();
  if (!snapshot.ok()) {
    engine_reachable_ = false;
    LOG(WARNING) << "resync failed: " << snapshot.status().ToString();
    if (metrics_) metrics_->CountError("resync");
    return false;
  }
  engine_reachable_ = true;
  {
    std::lock_guard<std::mutex> lock(mu_);
    index_ = snapshot->index;
    last_resync_ = clock_.WallNow();
    if (!first_pass_pending_) first_pass_pending_.emplace(snapshot->keys.begin(), snapshot->keys.end());
    if (first_pass_pending_->empty()) ready_ = true;
  }
  ++resyncs_;
  VLOG(1) << "resync: " << snapshot->keys.size() << " key(s)";
  for (const Request& key : snapshot->keys) queue_.Add(key);
  if (metrics_) metrics_->SetQueueDepth(static_cast<double>(queue_.Depth()));
  return true;
}

namespace {

std::string ActorName(const engine::Event& event) {
  auto it = event.actor.attributes.find("name");
  return it == event.actor.attributes.end() ? "" : it->second;
}

std::map<std::string, Request>* IndexFor(const std::string& type, OwnerIndex& index) {
  if (type == "service") return &index.services;
  if (type == "network") return &index.networks;
  if (type == "config") return &index.configs;
  return nullptr;
}

}  // namespace

void Controller::RouteEngineEvent(const engine::Event& event) {
  // An event's key goes ahead of a resync's pass: a manual change is reverted in the time of one reconcile,
  // not of the thousands queued before it.
  auto mark_first = [this](const Request& key) {
    queue_.AddFirst(key);
    if (metrics_) metrics_->SetQueueDepth(static_cast<double>(queue_.Depth()));
  };
  LearnedEvent learned;
  if (options_.cache) learned = options_.cache->Learn(engine_, event);
  // A config swarmop rendered holds no spec: its owner's key, and no reload of the specs.
  if (event.type == "config" && learned.rendered_config) {
    VLOG(1) << "event config " << event.action << " " << event.actor.id << ": " << learned.owner->ToString();
    mark_first(*learned.owner);
    return;
  }
  // Route with the one entry the event needs (the whole index is never copied per event): the owner the
  // cache just read, else the one of the last resync.
  OwnerIndex index;
  std::string name = ActorName(event);
  if (auto* entries = IndexFor(event.type, index)) {
    if (learned.owner) {
      (*entries)[name] = *learned.owner;
    } else {
      std::lock_guard<std::mutex> lock(mu_);
      const std::map<std::string, Request>* known = IndexFor(event.type, index_);
      auto it = known->find(name);
      if (it != known->end()) (*entries)[name] = it->second;
    }
  }
  EventMarks marks = RouteEvent(event, index, own_writes_);
  VLOG(1) << "event " << event.type << " " << event.action << " " << event.actor.id << ": "
          << marks.keys.size() << " key(s)" << (marks.resync ? ", resync" : "")
          << (marks.ignored_own_write ? ", own status write" : "");
  for (const Request& key : marks.keys) mark_first(key);
  if (marks.resync) RequestResync();
}

}  // namespace swarmop::reconciler
