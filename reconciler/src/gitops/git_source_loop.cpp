// GitSourceLoop: the pull-mode thread (interval, webhook trigger, backoff after a failure); and the
// state's JSON for /api/v1/status.
#include <glog/logging.h>

#include <nlohmann/json.hpp>

#include "swarmop/reconciler/gitops/git_source.h"
#include "swarmop/reconciler/store/spec_status.h"

namespace swarmop::reconciler {

GitSourceLoop::GitSourceLoop(GitSync& sync, const GitSourceOptions& options)
    : sync_(sync), options_(options) {}

GitSourceLoop::~GitSourceLoop() { Stop(); }

void GitSourceLoop::Start() {
  thread_ = std::thread([this] { Run(); });
}

void GitSourceLoop::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void GitSourceLoop::Trigger() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    triggered_ = true;
  }
  cv_.notify_all();
}

void GitSourceLoop::Run() {
  auto delay = std::chrono::milliseconds(0);  // the first fetch at once
  int failures = 0;
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait_for(lock, delay, [this] { return stop_ || triggered_; });
      if (stop_) return;
      triggered_ = false;
    }
    Status status = sync_.SyncOnce();
    if (status.ok()) {
      failures = 0;
      delay = options_.interval;
    } else {
      ++failures;
      auto backoff = options_.backoff_base * (1LL << std::min(failures - 1, 20));
      delay = std::min<std::chrono::milliseconds>(backoff, options_.interval);
      LOG(WARNING) << "git: sync failed (" << failures << " in a row), next try in " << delay.count()
                   << " ms: " << status.message();
    }
    if (on_synced_) on_synced_(status);
  }
}

std::string ToJson(const GitSourceState& s) {
  nlohmann::json out = {{"url", s.url},
                        {"ref", s.ref},
                        {"path", s.path},
                        {"appliedRevision", s.applied_revision},
                        {"fetchedRevision", s.fetched_revision},
                        {"consecutiveFetchFailures", s.consecutive_fetch_failures},
                        {"fetches", s.fetches},
                        {"applies", s.applies},
                        {"pruned", s.pruned}};
  if (s.applied_at) out["appliedAt"] = FormatRfc3339(*s.applied_at);
  if (s.last_fetch) out["lastFetch"] = FormatRfc3339(*s.last_fetch);
  if (!s.failed_revision.empty()) {
    out["failedRevision"] = s.failed_revision;
    out["failedErrors"] = s.failed_errors;
  }
  if (!s.fetch_error.empty()) out["fetchError"] = s.fetch_error;
  return out.dump();
}

}  // namespace swarmop::reconciler
