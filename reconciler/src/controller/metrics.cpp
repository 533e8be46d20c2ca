#include "swarmop/reconciler/metrics.h"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <mutex>

namespace swarmop::reconciler {

struct Metrics::Impl {
  prometheus::Registry registry;
  prometheus::Family<prometheus::Counter>& reconciles =
      prometheus::BuildCounter()
          .Name("swarmop_reconcile_total")
          .Help("Reconciles by result (success, error, requeue).")
          .Register(registry);
  prometheus::Family<prometheus::Histogram>& durations = prometheus::BuildHistogram()
                                                             .Name("swarmop_reconcile_duration_seconds")
                                                             .Help("Time one reconcile of one key took.")
                                                             .Register(registry);
  prometheus::Family<prometheus::Gauge>& queue_depth =
      prometheus::BuildGauge()
          .Name("swarmop_queue_depth")
          .Help("Keys waiting in the work queue, ready to reconcile.")
          .Register(registry);
  prometheus::Family<prometheus::Counter>& errors =
      prometheus::BuildCounter()
          .Name("swarmop_errors_total")
          .Help("Errors by kind (engine, events, spec, status).")
          .Register(registry);
  prometheus::Family<prometheus::Counter>& drift =
      prometheus::BuildCounter()
          .Name("swarmop_drift_corrections_total")
          .Help("Manual changes to owned objects that were reverted.")
          .Register(registry);
  prometheus::Family<prometheus::Counter>& engine_calls = prometheus::BuildCounter()
                                                              .Name("swarmop_engine_calls_total")
                                                              .Help("Docker Engine API calls by verb.")
                                                              .Register(registry);
  prometheus::Family<prometheus::Counter>& engine_call_failures =
      prometheus::BuildCounter()
          .Name("swarmop_engine_call_failures_total")
          .Help("Docker Engine API write calls the engine refused, by verb (accepted = calls - failures).")
          .Register(registry);
  prometheus::Histogram& duration = durations.Add(
      {},
      prometheus::Histogram::BucketBoundaries{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30});
  prometheus::Gauge& depth = queue_depth.Add({});
  prometheus::Counter& drift_corrections = drift.Add({});
  std::mutex engine_calls_mu;  // SetEngineCalls reads then increments: keep it atomic
};

Metrics::Metrics() : impl_(std::make_unique<Impl>()) {}
Metrics::~Metrics() = default;

void Metrics::ObserveReconcile(std::string_view result, double seconds) {
  impl_->reconciles.Add({{"result", std::string(result)}}).Increment();
  impl_->duration.Observe(seconds);
}

void Metrics::SetQueueDepth(double depth) { impl_->depth.Set(depth); }

void Metrics::CountError(std::string_view kind) {
  impl_->errors.Add({{"kind", std::string(kind)}}).Increment();
}

void Metrics::CountDriftCorrections(uint64_t corrections) {
  impl_->drift_corrections.Increment(static_cast<double>(corrections));
}

namespace {
// Moves each verb's counter up to the cumulative value; counters never go down (a Reset() of the source is
// ignored).
void FollowCumulative(prometheus::Family<prometheus::Counter>& family,
                      const std::map<std::string, uint64_t>& by_verb) {
  for (const auto& [verb, value] : by_verb) {
    prometheus::Counter& counter = family.Add({{"verb", verb}});
    double delta = static_cast<double>(value) - counter.Value();
    if (delta > 0) counter.Increment(delta);
  }
}
}  // namespace

void Metrics::SetEngineCalls(const std::map<std::string, uint64_t>& calls_by_verb) {
  std::lock_guard<std::mutex> lock(impl_->engine_calls_mu);
  FollowCumulative(impl_->engine_calls, calls_by_verb);
}

void Metrics::SetEngineCallFailures(const std::map<std::string, uint64_t>& failures_by_verb) {
  std::lock_guard<std::mutex> lock(impl_->engine_calls_mu);
  FollowCumulative(impl_->engine_call_failures, failures_by_verb);
}

std::string Metrics::RenderText() const {
  return prometheus::TextSerializer().Serialize(impl_->registry.Collect());
}

}  // namespace swarmop::reconciler
