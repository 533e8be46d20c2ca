// Metrics: the controller loop's Prometheus metrics, rendered as text for GET /metrics.
//   swarmop_reconcile_total{result="success|error|requeue"}  swarmop_reconcile_duration_seconds (histogram)
//   swarmop_queue_depth swarmop_errors_total{kind="engine|events|spec|status"}
//   swarmop_drift_corrections_total                          swarmop_engine_calls_total{verb="list services"}
// prometheus-cpp stays in metrics.cpp.
// Thread-safety: every method is safe from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace swarmop::reconciler {

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

  // Prometheus text exposition format 0.0.4.
  std::string RenderText() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace swarmop::reconciler
