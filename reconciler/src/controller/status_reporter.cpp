#include "swarmop/reconciler/controller/status_reporter.h"

#include <glog/logging.h>

namespace swarmop::reconciler {

StatusReporter::StatusReporter(SpecStore& store, engine::Engine& engine, OwnWrites& own_writes)
    : store_(store), engine_(engine), own_writes_(own_writes) {}

namespace {

bool SameConditions(const SpecStatus& a, const SpecStatus& b) {
  if (a.observed_hash != b.observed_hash || a.conditions.size() != b.conditions.size()) return false;
  for (size_t i = 0; i < a.conditions.size(); ++i) {
    const Condition& x = a.conditions[i];
    const Condition& y = b.conditions[i];
    if (x.type != y.type || x.status != y.status || x.reason != y.reason || x.message != y.message ||
        x.observed_hash != y.observed_hash || x.last_transition != y.last_transition)
      return false;
  }
  return true;
}

}  // namespace

Status StatusReporter::Publish(SpecStatus status, const std::optional<StatusTarget>& target) {
  Request key = status.key;
  std::map<std::string, std::string> wanted;
  bool labels_current = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto previous = statuses_.find(key);
    if (previous != statuses_.end()) {
      CarryTransitionTimes(previous->second, status);
      // A steady key (every resync, thousands of them) publishes what it published last, on the config
      // whose labels already say so: nothing to compute or write.
      auto current = current_on_.find(key);
      if (target && current != current_on_.end() && current->second == target->config_id &&
          SameConditions(previous->second, status))
        return Status::Ok();
    }
    current_on_.erase(key);
    wanted = ToStatusLabels(status);
    statuses_[key] = std::move(status);
    // Our own last write on this config is newer than the labels the caller read (the specs are loaded
    // once per resync): once we wrote there, that decides. Judged by the read labels instead, a status
    // that went A -> B -> A inside one load would leave B on the config.
    if (target) {
      auto written = written_.find(target->config_id);
      // A load that reads back our last write is as new as it: the read labels decide again, and the
      // copy is dropped (kept for every config ever written, it grew with the estate and its history).
      if (written != written_.end() && !StatusLabelsDiffer(target->current_labels, written->second)) {
        written_.erase(written);
        written = written_.end();
      }
      labels_current = written != written_.end() ? !StatusLabelsDiffer(written->second, wanted)
                                                 : !StatusLabelsDiffer(target->current_labels, wanted);
    }
  }
  if (!target) return Status::Ok();
  if (!labels_current) {
    SWARMOP_RETURN_IF_ERROR(WriteLabels(key, *target, wanted));
  }
  std::lock_guard<std::mutex> lock(mu_);
  current_on_[key] = target->config_id;
  return Status::Ok();
}

Status StatusReporter::WriteLabels(const Request& key, const StatusTarget& target,
                                   const std::map<std::string, std::string>& wanted) {
  own_writes_.Record(target.config_name);
  // The winner as the caller loaded it is written directly: SpecStore::SetStatusLabels would list and load
  // every spec again to find it, for every key (O(N^2) over a first pass). Only when that config is gone
  // (superseded and removed since the load) is the store asked for the current winner.
  Status written = target.config_id.empty() ? NotFoundError("no config") : WriteOnConfig(target, wanted);
  if (target.stored_winner && written.code() == Code::kNotFound) {
    auto kind = ParseKindName(key.kind);
    written = kind ? store_.SetStatusLabels(*kind, key.name, wanted)
                   : InvalidArgumentError("no spec kind " + key.kind);
  }
  if (!written.ok()) return written.WithContext("status of " + key.ToString());
  LOG(INFO) << "status of " << key.ToString() << ": " << wanted.at(status_labels::kReason)
            << " (labels on config " << target.config_name << ")";
  std::lock_guard<std::mutex> lock(mu_);
  written_[target.config_id] = wanted;
  ++label_writes_;
  return Status::Ok();
}

Status StatusReporter::WriteOnConfig(const StatusTarget& target,
                                     const std::map<std::string, std::string>& wanted) {
  for (int attempt = 0; attempt < 5; ++attempt) {
    auto config = engine_.InspectConfig(target.config_id);
    if (!config.ok()) return config.status();
    engine::ConfigSpec update = config->spec;
    for (auto it = update.labels.begin(); it != update.labels.end();) {
      it = it->first.rfind(status_labels::kPrefix, 0) == 0 ? update.labels.erase(it) : std::next(it);
    }
    for (const auto& [k, v] : wanted) update.labels[k] = v;
    if (update.labels == config->spec.labels) return Status::Ok();
    Status st = engine_.UpdateConfig(config->id, config->version, update);
    if (st.code() != Code::kAborted) return st;
  }
  return AbortedError("config " + target.config_name + " kept changing");
}

void StatusReporter::Forget(const Request& key) {
  std::lock_guard<std::mutex> lock(mu_);
  statuses_.erase(key);
  current_on_.erase(key);
}

std::optional<SpecStatus> StatusReporter::Get(const Request& key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = statuses_.find(key);
  if (it == statuses_.end()) return std::nullopt;
  return it->second;
}

std::vector<SpecStatus> StatusReporter::All() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<SpecStatus> all;
  for (const auto& [key, status] : statuses_) all.push_back(status);
  return all;
}

uint64_t StatusReporter::LabelWrites() const {
  std::lock_guard<std::mutex> lock(mu_);
  return label_writes_;
}

}  // namespace swarmop::reconciler
