// Metrics: the controller loop's Prometheus metrics, rendered as text for GET /metrics.
//   swarmop_reconcile_total{result="success|steady|error|requeue"}  swarmop_reconcile_duration_seconds
//   (histogram) swarmop_queue_depth swarmop_errors_total{kind="engine|events|spec|status"}
//   swarmop_drift_corrections_total                          swarmop_engine_calls_total{verb="list services"}
//   swarmop_leader (1: this process reconciles; a --leader-elect follower serves FollowerMetricsText's 0)
//   swarmop_service_desired_tasks / _running_tasks / _completed_tasks{service, site, owner_kind, owner,
//     mode="replicated|replicated-job"}: each owned local Swarm service as its key's last reconcile saw it
//     (a job's desired tasks are its completions); a key's series go when its services do.
// prometheus-cpp stays in metrics.cpp.
// Thread-safety: every method is safe from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace swarmop::reconciler {

// One owned Swarm service's tasks, from ListServices' ServiceStatus.
struct ServiceTasks {
  std::string service;  // Swarm service name, "identity-api-douala"
  std::string site;
  std::string mode;  // "replicated" | "replicated-job"
  uint64_t desired = 0;
  uint64_t running = 0;
  uint64_t completed = 0;
};

class Metrics {
 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  void ObserveReconcile(std::string_view result, double seconds);
  void SetQueueDepth(double depth);
  void CountError(std::string_view kind);
  void CountDriftCorrections(uint64_t corrections);
  // Cumulative calls per verb, as engine::CountingEngine::Counts() reports them; counters follow them.
  void SetEngineCalls(const std::map<std::string, uint64_t>& calls_by_verb);
  // Cumulative refused write calls per verb (CountingEngine::FailedCounts()).
  void SetEngineCallFailures(const std::map<std::string, uint64_t>& failures_by_verb);
  // 1 while this process reconciles (the Operator sets it when it starts).
  void SetLeading(bool leading);
  // Replaces the task series of the spec (owner_kind, owner) with `services` (empty: removes them).
  void SetServiceTasks(const std::string& owner_kind, const std::string& owner,
                       const std::vector<ServiceTasks>& services);

  // Prometheus text exposition format 0.0.4.
  std::string RenderText() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The /metrics text of a --leader-elect replica that follows: "swarmop_leader 0", so that Prometheus sees
// every replica and an alert can tell "nobody leads" from "the leader is not scraped".
std::string FollowerMetricsText();

}  // namespace swarmop::reconciler
