#include "swarmop/reconciler/controller/metrics.h"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <algorithm>
#include <mutex>
#include <utility>
#include <vector>

namespace swarmop::reconciler {

struct Metrics::Impl {
  prometheus::Registry registry;
  prometheus::Family<prometheus::Counter>& reconciles =
      prometheus::BuildCounter()
          .Name("swarmop_reconcile_total")
          .Help(
              "Reconciles by result (success; steady: nothing changed since the key converged, nothing "
              "planned; error; requeue).")
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
  prometheus::Family<prometheus::Gauge>& leader =
      prometheus::BuildGauge()
          .Name("swarmop_leader")
          .Help("1 while this process reconciles (holds the lease, or runs without --leader-elect).")
          .Register(registry);
  prometheus::Family<prometheus::Gauge>& desired_tasks =
      prometheus::BuildGauge()
          .Name("swarmop_service_desired_tasks")
          .Help("Tasks an owned Swarm service should run (a job: completions), at its last reconcile.")
          .Register(registry);
  prometheus::Family<prometheus::Gauge>& running_tasks =
      prometheus::BuildGauge()
          .Name("swarmop_service_running_tasks")
          .Help("Tasks of an owned Swarm service running at its last reconcile.")
          .Register(registry);
  prometheus::Family<prometheus::Gauge>& completed_tasks =
      prometheus::BuildGauge()
          .Name("swarmop_service_completed_tasks")
          .Help("Completed tasks of an owned Swarm job at its last reconcile.")
          .Register(registry);
  prometheus::Histogram& duration = durations.Add(
      {},
      prometheus::Histogram::BucketBoundaries{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30});
  prometheus::Gauge& depth = queue_depth.Add({});
  prometheus::Counter& drift_corrections = drift.Add({});
  prometheus::Gauge& leading = leader.Add({});
  std::mutex engine_calls_mu;  // SetEngineCalls reads then increments: keep it atomic
  // The gauges each spec's last SetServiceTasks added, so the next one can remove what is gone.
  std::mutex tasks_mu;
  std::map<std::pair<std::string, std::string>,
           std::vector<std::pair<prometheus::Family<prometheus::Gauge>*, prometheus::Gauge*>>>
      task_gauges;
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

void Metrics::SetLeading(bool leading) { impl_->leading.Set(leading ? 1 : 0); }

void Metrics::SetServiceTasks(const std::string& owner_kind, const std::string& owner,
                              const std::vector<ServiceTasks>& services) {
  std::lock_guard<std::mutex> lock(impl_->tasks_mu);
  std::vector<std::pair<prometheus::Family<prometheus::Gauge>*, prometheus::Gauge*>> now;
  for (const ServiceTasks& s : services) {
    std::map<std::string, std::string> labels{{"service", s.service},
                                              {"site", s.site},
                                              {"owner_kind", owner_kind},
                                              {"owner", owner},
                                              {"mode", s.mode}};
    auto set = [&](prometheus::Family<prometheus::Gauge>& family, uint64_t value) {
      prometheus::Gauge& gauge = family.Add(labels);  // the same gauge again for the same labels
      gauge.Set(static_cast<double>(value));
      now.emplace_back(&family, &gauge);
    };
    set(impl_->desired_tasks, s.desired);
    set(impl_->running_tasks, s.running);
    if (s.mode == "replicated-job") set(impl_->completed_tasks, s.completed);
  }
  auto& before = impl_->task_gauges[{owner_kind, owner}];
  for (const auto& old : before) {
    if (std::find(now.begin(), now.end(), old) == now.end()) old.first->Remove(old.second);
  }
  before = std::move(now);
  if (before.empty()) impl_->task_gauges.erase({owner_kind, owner});
}

std::string FollowerMetricsText() {
  return "# HELP swarmop_leader 1 while this process reconciles (holds the lease, or runs without "
         "--leader-elect).\n# TYPE swarmop_leader gauge\nswarmop_leader 0\n";
}

std::string Metrics::RenderText() const {
  return prometheus::TextSerializer().Serialize(impl_->registry.Collect());
}

}  // namespace swarmop::reconciler
