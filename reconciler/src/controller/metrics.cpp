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
  prometheus::Histogram& duration = durations.Add(
      {},
      prometheus::Histogram::BucketBoundaries{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30});
  prometheus::Gauge& depth = queue_depth.Add({});
  prometheus::Counter& drift_corrections = drift.Add({});
  prometheus::Gauge& leading = leader.Add({});
  std::mutex engine_calls_mu;  // SetEngineCalls reads then increments: keep it atomic
  // Each spec's services' task counts, as its last SetServiceTasks gave them. Rendered by hand
  // (AppendTaskSeries), not as prometheus-cpp gauges: a gauge per count and service with its own label map
  // cost about 1.2 KB per service, most of the operator's metrics at thousands of services.
  std::mutex tasks_mu;
  std::map<std::pair<std::string, std::string>, std::vector<ServiceTasks>> tasks;  // (owner_kind, owner)
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
  if (services.empty()) {
    impl_->tasks.erase({owner_kind, owner});
    return;
  }
  impl_->tasks[{owner_kind, owner}] = services;
}

namespace {

// A label value in the text format: backslash, double quote and newline escaped.
void AppendLabelValue(std::string& out, const std::string& value) {
  for (char c : value) {
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    if (c == '\\' || c == '"') out += '\\';
    out += c;
  }
}

struct TaskFamily {
  const char* name;
  const char* help;
  uint64_t ServiceTasks::*value;
  bool jobs_only;
};

constexpr TaskFamily kTaskFamilies[] = {
    {"swarmop_service_desired_tasks",
     "Tasks an owned Swarm service should run (a job: completions), at its last reconcile.",
     &ServiceTasks::desired, false},
    {"swarmop_service_running_tasks", "Tasks of an owned Swarm service running at its last reconcile.",
     &ServiceTasks::running, false},
    {"swarmop_service_completed_tasks", "Completed tasks of an owned Swarm job at its last reconcile.",
     &ServiceTasks::completed, true},
};

// The service task gauges, labels in name order as prometheus-cpp writes them.
void AppendTaskSeries(std::string& out,
                      const std::map<std::pair<std::string, std::string>, std::vector<ServiceTasks>>& tasks) {
  for (const TaskFamily& family : kTaskFamilies) {
    out += std::string("# HELP ") + family.name + " " + family.help + "\n# TYPE " + family.name + " gauge\n";
    for (const auto& [owner, services] : tasks) {
      for (const ServiceTasks& s : services) {
        if (family.jobs_only && s.mode != "replicated-job") continue;
        out += family.name;
        out += "{mode=\"";
        AppendLabelValue(out, s.mode);
        out += "\",owner=\"";
        AppendLabelValue(out, owner.second);
        out += "\",owner_kind=\"";
        AppendLabelValue(out, owner.first);
        out += "\",service=\"";
        AppendLabelValue(out, s.service);
        out += "\",site=\"";
        AppendLabelValue(out, s.site);
        out += "\"} " + std::to_string(s.*family.value) + "\n";
      }
    }
  }
}

}  // namespace

std::string FollowerMetricsText() {
  return "# HELP swarmop_leader 1 while this process reconciles (holds the lease, or runs without "
         "--leader-elect).\n# TYPE swarmop_leader gauge\nswarmop_leader 0\n";
}

std::string Metrics::RenderText() const {
  std::string text = prometheus::TextSerializer().Serialize(impl_->registry.Collect());
  std::lock_guard<std::mutex> lock(impl_->tasks_mu);
  AppendTaskSeries(text, impl_->tasks);
  return text;
}

}  // namespace swarmop::reconciler
