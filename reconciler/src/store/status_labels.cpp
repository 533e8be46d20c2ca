// SpecStore::SetStatusLabels: the controller's status, written as labels on a spec's config.
#include "swarmop/reconciler/core/labels.h"
#include "swarmop/reconciler/store/spec_store.h"

namespace swarmop::reconciler {
namespace {

bool IsStatusLabel(const std::string& key) { return key.rfind(kStatusLabelPrefix, 0) == 0; }

// The config's own labels without its old status, plus the new status.
std::map<std::string, std::string> WithStatus(const std::map<std::string, std::string>& current,
                                              const std::map<std::string, std::string>& status) {
  std::map<std::string, std::string> labels;
  for (const auto& [key, value] : current) {
    if (!IsStatusLabel(key)) labels.emplace(key, value);
  }
  for (const auto& [key, value] : status) labels[key] = value;
  return labels;
}

}  // namespace

Status SpecStore::SetStatusLabels(crds::Kind kind, const std::string& name,
                                  const std::map<std::string, std::string>& status) {
  for (const auto& [key, value] : status) {
    if (!IsStatusLabel(key))
      return InvalidArgumentError("status label " + key + " does not start with " + kStatusLabelPrefix);
  }
  auto stored = Load();
  if (!stored.ok()) return stored.status();
  const StoredSpec* spec = stored->Find(kind, name);
  const std::string key = std::string(crds::KindName(kind)) + "/" + name;
  if (spec == nullptr) return NotFoundError("no stored spec " + key);

  // Swarm bumps a config's version on every label write; a concurrent writer makes ours out of sequence.
  Status last;
  for (int attempt = 0; attempt < options_.max_update_attempts; ++attempt) {
    auto config = engine_.InspectConfig(spec->config_id);
    if (!config.ok())
      return config.status().WithContext("reading config " + spec->config_name + " of " + key);
    engine::ConfigSpec update = config->spec;
    update.labels = WithStatus(config->spec.labels, status);
    if (update.labels == config->spec.labels) return Status::Ok();
    last = engine_.UpdateConfig(config->id, config->version, update);
    if (last.code() != Code::kAborted) {
      return last.ok() ? last
                       : last.WithContext("writing status of " + key + " on config " + spec->config_name);
    }
  }
  return last.WithContext("writing status of " + key + " on config " + spec->config_name);
}

Status SpecStore::MergeOwnedLabels(const std::string& config_id,
                                   const std::map<std::string, std::string>& merge) {
  for (const auto& [key, value] : merge) {
    if (IsStatusLabel(key)) return InvalidArgumentError("label " + key + " is a status label");
  }
  Status last;
  for (int attempt = 0; attempt < options_.max_update_attempts; ++attempt) {
    auto config = engine_.InspectConfig(config_id);
    if (!config.ok()) return config.status().WithContext("reading config " + config_id);
    if (!labels::IsOwned(config->spec.labels))
      return FailedPreconditionError("config " + config->spec.name + " is not swarmop's");
    engine::ConfigSpec update = config->spec;
    for (const auto& [key, value] : merge) update.labels[key] = value;
    if (update.labels == config->spec.labels) return Status::Ok();
    last = engine_.UpdateConfig(config->id, config->version, update);
    if (last.code() != Code::kAborted)
      return last.ok() ? last : last.WithContext("labelling config " + config->spec.name);
  }
  return last.WithContext("labelling config " + config_id);
}

}  // namespace swarmop::reconciler
