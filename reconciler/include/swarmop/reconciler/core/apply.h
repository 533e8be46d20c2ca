// Apply: executes a Plan against an Engine (the local swarm).
//
// Phases run in order; the operations of one phase run concurrently, at most ApplyOptions::concurrency at a
// time. Names are resolved to IDs here (config/secret references, network attachments). An update re-inspects
// the service first: when the owned fields already match it writes nothing; otherwise it sends the version
// just read, carrying the actual raw_spec so fields swarmop does not model survive. "update out of sequence"
// re-reads and retries; transient errors (500, timeout, unavailable) retry with a short backoff; a create
// that meets 409 on retry (the first attempt landed) adopts the object when it is swarmop's. When any create
// or update failed, removals are not attempted (a partial apply never prunes). Idempotent: applying the same
// plan twice makes zero writes the second time.
// Thread-safety: ApplyPlan may be called concurrently with different plans if the engine is thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "swarmop/base/status.h"
#include "swarmop/engine/engine.h"
#include "swarmop/reconciler/core/plan.h"

namespace swarmop::reconciler {

struct ApplyOptions {
  int concurrency = 4;                           // per phase
  int max_attempts = 5;                          // per operation, for retryable errors
  std::chrono::milliseconds retry_backoff{100};  // doubled per attempt
  // How long removing a network waits while it is still in use by tasks that are shutting down.
  std::chrono::milliseconds release_wait{std::chrono::seconds(30)};
  // Progress lines ("done: update service api-douala"); optional. Called from the worker threads of a phase,
  // possibly at the same time: the callback must be thread-safe.
  std::function<void(const std::string&)> on_event;
};

struct OperationResult {
  std::string summary;  // Operation::Summary()
  Status status;
  bool wrote = false;  // false: skipped (already matched) or failed before writing
  std::string detail;  // "already up to date", "retried after: update out of sequence", ...
};

struct ApplyReport {
  std::vector<OperationResult> results;  // in plan order
  int writes = 0;                        // successful engine writes
  bool ok() const;
  // The first error, with the object's summary as context; Ok when every operation succeeded.
  Status FirstError() const;
  std::string ToString() const;
};

ApplyReport ApplyPlan(engine::Engine& engine, const Plan& plan, const ApplyOptions& options = {});

}  // namespace swarmop::reconciler
