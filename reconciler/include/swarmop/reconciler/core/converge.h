// Convergence watch: after an apply, poll the services until their tasks run as desired, or say clearly why
// not: a task keeps failing (its Status.Err), an update paused or rolled back, a task cannot be placed (with
// the service's constraints).
// Thread-safety: reentrant; uses only the engine passed in.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "swarmop/base/status.h"
#include "swarmop/engine/engine.h"
#include "swarmop/engine/registry_auth.h"
#include "swarmop/reconciler/core/render.h"

namespace swarmop::reconciler {

struct ServiceProgress {
  std::string service;  // Swarm service name
  std::string site;
  // A replicated job (database setup, replica set steps) is done when `desired` tasks of its current
  // iteration completed: `running` then counts completed tasks. Swarm retries its failed tasks (restart
  // policy on-failure), so a failure is no problem, only a note, until the timeout.
  bool job = false;
  uint64_t running = 0;
  uint64_t desired = 0;
  std::string retrying;      // a job's last task failure while Swarm retries it; empty when none
  std::string update_state;  // "", updating, completed, paused, rollback_*
  bool converged = false;
  std::string problem;  // why it cannot converge; empty while fine
};

struct ConvergenceOptions {
  std::chrono::milliseconds timeout{std::chrono::seconds(120)};
  std::chrono::milliseconds poll_interval{std::chrono::milliseconds(500)};
  // A service fails when this many of its tasks ended failed/rejected since the watch began.
  int max_task_failures = 3;
  // A placement failure ("no suitable node") is reported after it persisted this long.
  std::chrono::milliseconds pending_grace{std::chrono::seconds(5)};
  // A service counts as converged once all its tasks have run this long without a new failure (like the
  // docker CLI, which waits UpdateConfig.Monitor): a crash-looping task is "running" for a moment too.
  std::chrono::milliseconds stable_for{std::chrono::seconds(5)};
  std::function<void(const std::vector<ServiceProgress>&)> progress;  // each poll; optional
  // The registry credentials the services were created with (null: none): a task that could not pull its
  // image then says which registry and whether credentials for it were sent.
  std::shared_ptr<const engine::RegistryAuth> registry_auth;
};

struct ConvergenceResult {
  Status status;  // ok when all converged; kTimeout; kFailedPrecondition with the first problem
  std::vector<ServiceProgress> services;
  std::string Table() const;  // SERVICE SITE RUNNING/DESIRED UPDATE PROBLEM
};

// Waits for the local-swarm services of `services` (others are ignored).
ConvergenceResult WaitForConvergence(engine::Engine& engine, const std::vector<DesiredService>& services,
                                     const ConvergenceOptions& options = {});

}  // namespace swarmop::reconciler
