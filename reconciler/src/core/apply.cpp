// ApplyPlan: phases in order, operations of a phase concurrently (bounded), each operation retried on
// transient errors. Writes only what still differs when the operation runs (see apply.h).
#include "swarmop/reconciler/core/apply.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <thread>

#include "name_resolver.h"
#include "swarmop/reconciler/core/labels.h"

namespace swarmop::reconciler {
namespace {

using internal::NameResolver;
using Clock = std::chrono::steady_clock;

// 500s, timeouts and lost connections may pass; anything else is an answer.
bool Transient(const Status& status) {
  return status.code() == Code::kInternal || status.code() == Code::kTimeout ||
         status.code() == Code::kUnavailable;
}

class Applier {
 public:
  Applier(engine::Engine& engine, const ApplyOptions& options)
      : engine_(engine), options_(options), resolver_(engine) {}

  OperationResult Execute(const Operation& op) {
    OperationResult result;
    result.summary = op.Summary();
    result.status = Dispatch(op, result);
    if (result.status.ok()) {
      Event((result.wrote ? "done: " : "nothing to do: ") + result.summary);
    } else {
      Event("failed: " + result.summary + ": " + result.status.ToString());
    }
    return result;
  }

  void NetworksChanged() { resolver_.Refresh(); }
  int writes() const { return writes_.load(); }

 private:
  Status Dispatch(const Operation& op, OperationResult& r) {
    switch (op.object) {
      case ObjectKind::kNetwork:
        return op.op == OpKind::kRemove ? RemoveNetwork(op, r) : CreateNetwork(op, r);
      case ObjectKind::kConfig:
        return op.op == OpKind::kRemove ? RemoveConfig(op, r) : CreateConfig(op, r);
      case ObjectKind::kService:
        switch (op.op) {
          case OpKind::kCreate:
            return CreateService(op.service, r);
          case OpKind::kUpdate:
            return EnsureServiceMatches(op.service, op.actual_id, r);
          case OpKind::kReplace:
            return ReplaceService(op, r);
          case OpKind::kRemove:
            return RemoveService(op, r);
        }
    }
    return InternalError("unknown operation");
  }

  // Runs `call` until it succeeds, fails for good, or attempts run out. Only transient errors retry.
  template <typename Call>
  Status Retrying(OperationResult& r, Call call, Code also_retry = Code::kOk) {
    auto start = Clock::now();
    for (int attempt = 1;; ++attempt) {
      Status status = call();
      // An object still in use by tasks that are going away is waited for (release_wait), not counted.
      bool releasing = also_retry != Code::kOk && status.code() == also_retry;
      if (releasing && Clock::now() - start < options_.release_wait) {
        if (attempt == 1) Note(r, "waiting for: " + status.ToString());
        std::this_thread::sleep_for(std::min(options_.retry_backoff * 5, std::chrono::milliseconds(1000)));
        continue;
      }
      if (status.ok() || !Transient(status) || attempt >= options_.max_attempts) return status;
      Note(r, "retried after: " + status.ToString());
      Backoff(attempt);
    }
  }

  void Backoff(int attempt) {
    auto delay = options_.retry_backoff * (1 << std::min(attempt - 1, 5));
    std::this_thread::sleep_for(delay);
  }

  void Wrote(OperationResult& r) {
    r.wrote = true;
    ++writes_;
  }

  static void Note(OperationResult& r, const std::string& text) {
    if (!r.detail.empty()) r.detail += "; ";
    r.detail += text;
  }

  void Event(const std::string& line) {
    if (options_.on_event) options_.on_event(line);
  }

  // ------------------------------------------------------------------------------------------ networks
  Status CreateNetwork(const Operation& op, OperationResult& r) {
    return Retrying(r, [&]() -> Status {
      auto id = engine_.CreateNetwork(op.network);
      if (id.ok()) {
        Wrote(r);
        return Status::Ok();
      }
      if (id.status().code() != Code::kConflict) return id.status();
      // An earlier attempt may have landed: adopt the network when it is ours.
      auto have = engine_.InspectNetwork(op.network.name);
      if (have.ok() && labels::IsOwned(have->labels)) {
        Note(r, "already exists");
        return Status::Ok();
      }
      return id.status();
    });
  }

  Status RemoveNetwork(const Operation& op, OperationResult& r) {
    return Retrying(
        r,
        [&]() -> Status {
          auto have = engine_.InspectNetwork(op.actual_id);
          if (have.status().code() == Code::kNotFound) return AlreadyGone(r);
          if (!have.ok()) return have.status();
          if (!labels::IsOwned(have->labels)) return NotOwned("network", op.name);
          Status removed = engine_.RemoveNetwork(op.actual_id);
          if (removed.ok() || removed.code() == Code::kNotFound) return CountedRemove(r, removed);
          // The engine hides "in use by task" behind its local fallback ("network ... not found", 500): if
          // the network is still there, tasks of removed services have not released it yet.
          if (engine_.InspectNetwork(op.actual_id).ok()) return FailedPreconditionError(removed.message());
          return AlreadyGone(r);
        },
        Code::kFailedPrecondition);  // tasks of removed services release the network asynchronously
  }

  // ------------------------------------------------------------------------------------------- configs
  Status CreateConfig(const Operation& op, OperationResult& r) {
    return Retrying(r, [&]() -> Status {
      auto id = engine_.CreateConfig(op.config);
      if (id.ok()) {
        Wrote(r);
        return Status::Ok();
      }
      if (id.status().code() != Code::kConflict) return id.status();
      auto have = engine_.InspectConfig(op.config.name);
      if (have.ok() && labels::IsOwned(have->spec.labels)) {
        Note(r, "already exists");  // content-addressed: same name, same content
        return Status::Ok();
      }
      return id.status();
    });
  }

  Status RemoveConfig(const Operation& op, OperationResult& r) {
    return Retrying(r, [&]() -> Status {
      auto have = engine_.InspectConfig(op.actual_id);
      if (have.status().code() == Code::kNotFound) return AlreadyGone(r);
      if (!have.ok()) return have.status();
      if (!labels::IsOwned(have->spec.labels)) return NotOwned("config", op.name);
      return CountedRemove(r, engine_.RemoveConfig(op.actual_id));
    });
  }

  // ------------------------------------------------------------------------------------------ services
  Status CreateService(const engine::ServiceSpec& desired, OperationResult& r) {
    bool conflict = false;
    Status status = Retrying(r, [&]() -> Status {
      auto spec = resolver_.Resolve(desired);  // per attempt: a refreshed resolver may know better
      if (!spec.ok()) return spec.status();
      auto id = engine_.CreateService(*spec);
      if (id.ok()) Wrote(r);
      conflict = id.status().code() == Code::kConflict;
      ForgetStaleNames(id.status());
      return id.status();
    });
    if (!conflict) return status;
    // A retried create whose first attempt landed, or a race with another swarmop: converge it instead.
    Note(r, "already exists");
    return EnsureServiceMatches(desired, desired.name, r);
  }

  // Re-reads the service and updates it with the version just read, only if an owned field differs.
  Status EnsureServiceMatches(const engine::ServiceSpec& desired, const std::string& id_or_name,
                              OperationResult& r) {
    for (int attempt = 1;; ++attempt) {
      Status status = UpdateOnce(desired, id_or_name, r);
      bool again = status.code() == Code::kAborted || Transient(status);
      if (status.ok() || !again || attempt >= options_.max_attempts) return status;
      Note(r, "retried after: " + status.ToString());
      if (status.code() != Code::kAborted) Backoff(attempt);
    }
  }

  Status UpdateOnce(const engine::ServiceSpec& desired, const std::string& id_or_name, OperationResult& r) {
    auto have = engine_.InspectService(id_or_name);
    if (!have.ok()) return have.status();
    if (!labels::IsOwned(have->spec.labels)) return NotOwned("service", desired.name);
    auto context = resolver_.Context();
    if (!context.ok()) return context.status();
    if (DiffServices(desired, have->spec, *context).empty()) {
      Note(r, "already up to date");
      return Status::Ok();
    }
    if (NeedsReplace(desired, have->spec)) {
      return FailedPreconditionError("service " + desired.name +
                                     " needs remove + create (mode or name differs)");
    }
    auto spec = resolver_.Resolve(desired);
    if (!spec.ok()) return spec.status();
    spec->raw_spec = have->spec.raw_spec;  // fields swarmop does not model survive the update
    Status status = engine_.UpdateService(have->id, have->version, *spec);
    if (status.ok()) Wrote(r);
    ForgetStaleNames(status);
    return status;
  }

  Status ReplaceService(const Operation& op, OperationResult& r) {
    Status removed = RemoveService(op, r);
    if (!removed.ok()) return removed;
    return CreateService(op.service, r);
  }

  Status RemoveService(const Operation& op, OperationResult& r) {
    return Retrying(r, [&]() -> Status {
      auto have = engine_.InspectService(op.actual_id);
      if (have.status().code() == Code::kNotFound) return AlreadyGone(r);
      if (!have.ok()) return have.status();
      if (!labels::IsOwned(have->spec.labels)) return NotOwned("service", op.name);
      return CountedRemove(r, engine_.RemoveService(op.actual_id));
    });
  }

  // ------------------------------------------------------------------------------------------- helpers
  // The engine keeps listing a removed swarm network for a while (its local copy): when a write says a
  // referenced object is not found, resolve names afresh on the next attempt.
  void ForgetStaleNames(const Status& status) {
    if (!status.ok() && status.message().find("not found") != std::string::npos) resolver_.Refresh();
  }

  Status CountedRemove(OperationResult& r, Status status) {
    if (status.code() == Code::kNotFound) return AlreadyGone(r);
    if (status.ok()) Wrote(r);
    return status;
  }

  static Status AlreadyGone(OperationResult& r) {
    Note(r, "already gone");
    return Status::Ok();
  }

  static Status NotOwned(const std::string& kind, const std::string& name) {
    return FailedPreconditionError(kind + " " + name + " is not swarmop's (no " + labels::kManagedBy +
                                   " label): left alone");
  }

  engine::Engine& engine_;
  const ApplyOptions& options_;
  NameResolver resolver_;
  std::atomic<int> writes_{0};
};

// Runs `indices` of `plan` on up to `concurrency` threads.
void RunConcurrently(Applier& applier, const Plan& plan, const std::vector<size_t>& indices, int concurrency,
                     std::vector<OperationResult>& results) {
  std::atomic<size_t> next{0};
  auto worker = [&]() {
    for (size_t i = next++; i < indices.size(); i = next++) {
      results[indices[i]] = applier.Execute(plan.operations[indices[i]]);
    }
  };
  size_t threads = std::min<size_t>(std::max(1, concurrency), indices.size());
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& thread : pool) thread.join();
}

}  // namespace

bool ApplyReport::ok() const { return FirstError().ok(); }

Status ApplyReport::FirstError() const {
  for (const auto& result : results) {
    if (!result.status.ok()) return result.status.WithContext(result.summary);
  }
  return Status::Ok();
}

std::string ApplyReport::ToString() const {
  std::string out;
  for (const auto& result : results) {
    out += result.summary + ": ";
    out += result.status.ok() ? (result.wrote ? "done" : "nothing to do")
                              : "FAILED: " + result.status.ToString();
    if (!result.detail.empty()) out += " (" + result.detail + ")";
    out += "\n";
  }
  return out;
}

ApplyReport ApplyPlan(engine::Engine& engine, const Plan& plan, const ApplyOptions& options) {
  ApplyReport report;
  report.results.resize(plan.operations.size());
  std::map<int, std::vector<size_t>> phases;
  for (size_t i = 0; i < plan.operations.size(); ++i) phases[plan.operations[i].phase].push_back(i);

  Applier applier(engine, options);
  bool failed = false;
  for (const auto& [phase, indices] : phases) {
    std::vector<size_t> run;
    for (size_t i : indices) {
      const Operation& op = plan.operations[i];
      if (failed && op.op == OpKind::kRemove) {
        // A partial apply never prunes: what is running stays until the next apply succeeds.
        report.results[i] = {
            op.Summary(), FailedPreconditionError("not attempted: an earlier operation failed"), false, ""};
      } else {
        run.push_back(i);
      }
    }
    RunConcurrently(applier, plan, run, options.concurrency, report.results);
    bool created_networks = false;
    for (size_t i : run) {
      const Operation& op = plan.operations[i];
      if (!report.results[i].status.ok() && op.op != OpKind::kRemove) failed = true;
      created_networks = created_networks || op.object == ObjectKind::kNetwork;
    }
    if (created_networks) applier.NetworksChanged();
  }
  report.writes = applier.writes();
  return report;
}

}  // namespace swarmop::reconciler
