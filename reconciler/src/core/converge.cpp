// WaitForConvergence: poll services and their tasks until every service runs as desired, or a problem
// shows that it will not (failing tasks, paused or rolled-back update, unplaceable tasks).
#include "swarmop/reconciler/core/converge.h"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <thread>

namespace swarmop::reconciler {
namespace {

using Clock = std::chrono::steady_clock;

bool UpdateFailed(const std::string& state) {
  return state == "paused" || state == "rollback_started" || state == "rollback_paused" ||
         state == "rollback_completed";
}

bool UpdateInProgress(const std::string& state) { return state == "updating"; }

std::string Joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out.empty() ? "(none)" : out;
}

// Per-service memory across polls.
struct Watch {
  std::set<std::string> failures_before;  // failed task IDs seen at the first poll: not ours to blame
  std::set<std::string> failures;         // failed/rejected tasks that appeared during the watch
  bool first_poll = true;
  std::optional<Clock::time_point> pending_since;
  std::optional<Clock::time_point> converged_since;  // running == desired, no new failure, since then
};

class Watcher {
 public:
  Watcher(engine::Engine& engine, const ConvergenceOptions& options) : engine_(engine), options_(options) {}

  ServiceProgress Poll(const DesiredService& want) {
    ServiceProgress p;
    p.service = want.spec.name;
    p.site = want.site;
    auto service = engine_.InspectService(want.spec.name);
    if (!service.ok()) {
      p.problem = "cannot inspect: " + service.status().ToString();
      return p;
    }
    const engine::ServiceMode& mode = service->spec.mode;
    p.job = mode.kind == engine::ServiceMode::Kind::kReplicatedJob;
    p.desired = mode.kind == engine::ServiceMode::Kind::kReplicated ? mode.replicas
                : p.job ? std::max<uint64_t>(mode.total_completions, 1)  // the engine's default is 1
                        : 0;
    if (service->update_status) p.update_state = service->update_status->state;
    auto tasks = engine_.ListTasks(engine::TaskFilter{service->id, std::nullopt, std::nullopt, {}});
    if (!tasks.ok()) {
      p.problem = "cannot list tasks: " + tasks.status().ToString();
      return p;
    }
    if (p.job) {
      ExamineJob(*service, *tasks, p);
    } else {
      Examine(want, *service, *tasks, p);
    }
    return p;
  }

 private:
  // Done when the current iteration's tasks completed; failed tasks are retried by Swarm, so they only
  // say what the job waits for (a database not up yet, a table not migrated yet).
  static void ExamineJob(const engine::Service& service, const std::vector<engine::Task>& tasks,
                         ServiceProgress& p) {
    const engine::Task* last_failure = nullptr;
    for (const auto& task : tasks) {
      if (task.job_iteration.value_or(0) != service.job_iteration) continue;
      if (task.status.state == "complete") ++p.running;
      if (task.status.state == "failed" &&
          (last_failure == nullptr || task.updated_at > last_failure->updated_at)) {
        last_failure = &task;
      }
    }
    p.converged = p.running >= p.desired;
    if (!p.converged && last_failure != nullptr) {
      const engine::TaskStatus& status = last_failure->status;
      p.retrying = status.err.empty() ? status.message : status.err;
    }
  }

  void Examine(const DesiredService& want, const engine::Service& service,
               const std::vector<engine::Task>& tasks, ServiceProgress& p) {
    Watch& watch = watches_[want.spec.name];
    std::string last_error, pending_error;
    size_t failures_before_poll = watch.failures.size();
    for (const auto& task : tasks) {
      const std::string& state = task.status.state;
      if (task.desired_state == "running" && state == "running") ++p.running;
      if (state == "failed" || state == "rejected") {
        if (watch.first_poll) watch.failures_before.insert(task.id);
        if (!watch.failures_before.count(task.id)) {
          watch.failures.insert(task.id);
          last_error = task.status.err.empty() ? task.status.message : task.status.err;
        }
      }
      if (task.desired_state == "running" && state == "pending" &&
          task.status.err.find("no suitable node") != std::string::npos) {
        pending_error = task.status.err;
      }
    }
    watch.first_poll = false;
    if (service.spec.mode.kind != engine::ServiceMode::Kind::kReplicated)
      p.desired = p.running;  // global: best effort
    bool settled = p.running == p.desired && !UpdateInProgress(p.update_state) &&
                   !UpdateFailed(p.update_state) && watch.failures.size() == failures_before_poll;
    if (!settled) {
      watch.converged_since.reset();
    } else if (!watch.converged_since) {
      watch.converged_since = Clock::now();
    }
    p.converged = settled && Clock::now() - *watch.converged_since >= options_.stable_for;
    if (UpdateFailed(p.update_state)) {
      std::string message = service.update_status ? service.update_status->message : "";
      p.problem = "update " + p.update_state + (message.empty() ? "" : ": " + message);
    } else if (static_cast<int>(watch.failures.size()) >= options_.max_task_failures) {
      p.problem = std::to_string(watch.failures.size()) + " tasks failed; last: " + last_error;
      const std::string& image = service.spec.task_template.container_spec.image;
      std::string hint = engine::PullFailureHint(options_.registry_auth.get(), image, last_error);
      if (!hint.empty()) p.problem += " (" + hint + ")";
    } else if (!pending_error.empty() && !p.converged) {
      if (!watch.pending_since) watch.pending_since = Clock::now();
      if (Clock::now() - *watch.pending_since >= options_.pending_grace) {
        p.problem = "cannot be placed: " + pending_error +
                    "; constraints: " + Joined(service.spec.task_template.placement.constraints);
      }
    } else {
      watch.pending_since.reset();
    }
  }

  engine::Engine& engine_;
  const ConvergenceOptions& options_;
  std::map<std::string, Watch> watches_;
};

}  // namespace

std::string ConvergenceResult::Table() const {
  std::ostringstream out;
  out << "SERVICE\tSITE\tRUNNING/DESIRED\tUPDATE\tPROBLEM\n";
  for (const auto& s : services) {
    out << s.service << '\t' << (s.site.empty() ? "-" : s.site) << '\t' << s.running << '/' << s.desired
        << '\t' << (s.update_state.empty() ? "-" : s.update_state) << '\t'
        << (s.problem.empty() ? "-" : s.problem) << '\n';
  }
  return out.str();
}

ConvergenceResult WaitForConvergence(engine::Engine& engine, const std::vector<DesiredService>& services,
                                     const ConvergenceOptions& options) {
  Watcher watcher(engine, options);
  auto deadline = Clock::now() + options.timeout;
  ConvergenceResult result;
  for (;;) {
    result.services.clear();
    bool all = true;
    const ServiceProgress* failed = nullptr;
    for (const auto& want : services) {
      if (!want.target.local()) continue;
      result.services.push_back(watcher.Poll(want));
    }
    for (const auto& p : result.services) {
      all = all && p.converged;
      if (!p.problem.empty() && failed == nullptr) failed = &p;
    }
    if (options.progress) options.progress(result.services);
    if (failed != nullptr) {
      result.status = FailedPreconditionError("service " + failed->service + ": " + failed->problem);
      return result;
    }
    if (all) return result;
    if (Clock::now() >= deadline) {
      std::string waiting;
      for (const auto& p : result.services) {
        if (!p.converged)
          waiting += (waiting.empty() ? "" : ", ") + p.service + " " + std::to_string(p.running) + "/" +
                     std::to_string(p.desired) +
                     (p.retrying.empty() ? "" : " (retrying: " + p.retrying + ")");
      }
      result.status =
          TimeoutError("not converged after " + std::to_string(options.timeout.count()) + " ms: " + waiting);
      return result;
    }
    std::this_thread::sleep_for(options.poll_interval);
  }
}

}  // namespace swarmop::reconciler
