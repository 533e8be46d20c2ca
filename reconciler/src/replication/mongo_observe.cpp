// The running replica set config of each MongoDB Replication, read from its completed jobs (see
// replication_observer.h).
#include <algorithm>
#include <cctype>
#include <utility>
#include <vector>

#include "swarmop/reconciler/core/labels.h"
#include "swarmop/reconciler/replication/replication_observer.h"

namespace swarmop::reconciler {
namespace {

constexpr const char* kOwnerKind = "Replication";

bool EndsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// A job is done when a task of its current iteration completed (earlier iterations ran an older spec).
StatusOr<bool> JobCompleted(engine::Engine& engine, const engine::Service& job) {
  engine::TaskFilter filter;
  filter.service = job.id;
  auto tasks = engine.ListTasks(filter);
  if (!tasks.ok()) return tasks.status().WithContext("listing the tasks of job " + job.spec.name);
  return std::any_of(tasks->begin(), tasks->end(), [&](const engine::Task& task) {
    bool current = !task.job_iteration || *task.job_iteration == job.job_iteration;
    return current && task.status.state == "complete";
  });
}

// The config the job applied: the Swarm config it mounts as rs-config-v<version>.json.
StatusOr<MongoReplicaSetConfig> JobConfig(engine::Engine& engine, const engine::Service& job,
                                          int64_t version) {
  const std::string file = "/rs-config-v" + std::to_string(version) + ".json";
  for (const engine::ConfigReference& ref : job.spec.task_template.container_spec.configs) {
    if (!EndsWith(ref.file.name, file)) continue;
    auto config = engine.InspectConfig(ref.config_id.empty() ? ref.config_name : ref.config_id);
    if (!config.ok()) {
      return config.status().WithContext("reading config " + ref.config_name + " of job " + job.spec.name);
    }
    auto parsed = ParseMongoConfigJson(config->spec.data);
    if (!parsed.ok())
      return parsed.status().WithContext("config " + ref.config_name + " of job " + job.spec.name);
    return parsed;
  }
  return FailedPreconditionError("completed job " + job.spec.name + " mounts no rs-config-v" +
                                 std::to_string(version) + ".json");
}

StatusOr<ReplicationObservation> Observe(engine::Engine& engine, const crds::Replication& replication,
                                         const std::vector<engine::Service>& owned) {
  std::vector<std::pair<int64_t, const engine::Service*>> jobs;
  for (const engine::Service& service : owned) {
    auto owner = service.spec.labels.find(labels::kOwnerName);
    if (owner == service.spec.labels.end() || owner->second != replication.name()) continue;
    if (service.spec.mode.kind != engine::ServiceMode::Kind::kReplicatedJob) continue;
    int64_t version = MongoJobVersion(replication.name(), service.spec.name);
    if (version > 0) jobs.emplace_back(version, &service);
  }
  std::sort(jobs.begin(), jobs.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  ReplicationObservation seen;
  for (const auto& [version, job] : jobs) {
    auto done = JobCompleted(engine, *job);
    if (!done.ok()) return done.status();
    if (!*done) continue;
    auto config = JobConfig(engine, *job, version);
    if (!config.ok()) return config.status();
    seen.mongo_config = std::move(*config);
    break;
  }
  return seen;
}

}  // namespace

int64_t MongoJobVersion(const std::string& replication, const std::string& service_name) {
  if (service_name == replication + "-init") return 1;
  const std::string prefix = replication + "-reconfig-v";
  if (service_name.size() <= prefix.size() || service_name.compare(0, prefix.size(), prefix) != 0) return 0;
  const std::string digits = service_name.substr(prefix.size());
  if (digits.size() > 18 ||
      !std::all_of(digits.begin(), digits.end(), [](unsigned char c) { return std::isdigit(c) != 0; })) {
    return 0;
  }
  return std::stoll(digits);
}

StatusOr<std::map<std::string, ReplicationObservation>> ObserveReplications(
    engine::Engine& engine, const crds::DesiredState& desired) {
  std::map<std::string, ReplicationObservation> out;
  bool any_mongo = std::any_of(desired.replications.begin(), desired.replications.end(),
                               [](const auto& r) { return r.spec.engine == crds::DatabaseEngine::kMongoDb; });
  if (!any_mongo) return out;
  auto owned = engine.ListServices(engine::ListFilter::Labels(
      {{labels::kManagedBy, labels::kManagerName}, {labels::kOwnerKind, kOwnerKind}}));
  if (!owned.ok()) return owned.status().WithContext("listing Replication jobs");
  for (const crds::Replication& replication : desired.replications) {
    if (replication.spec.engine != crds::DatabaseEngine::kMongoDb) continue;
    auto seen = Observe(engine, replication, *owned);
    if (!seen.ok()) return seen.status().WithContext("observing Replication " + replication.name());
    out[replication.name()] = std::move(*seen);
  }
  return out;
}

ReplicationObserver SnapshotObserver(std::map<std::string, ReplicationObservation> snapshot) {
  return [snapshot =
              std::move(snapshot)](const std::string& replication) -> std::optional<ReplicationObservation> {
    auto it = snapshot.find(replication);
    if (it == snapshot.end()) return std::nullopt;
    return it->second;
  };
}

}  // namespace swarmop::reconciler
