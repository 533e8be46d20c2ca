// SpecStore::Delete: remove the configs swarmop owns that hold one spec.
#include "swarmop/reconciler/core/labels.h"
#include "swarmop/reconciler/store/spec_store.h"

namespace swarmop::reconciler {
namespace {

std::string LabelOr(const std::map<std::string, std::string>& labels, const char* key) {
  auto it = labels.find(key);
  return it == labels.end() ? std::string() : it->second;
}

// Every config that holds Kind/name, with whether swarmop owns it.
std::vector<std::pair<std::string, bool>> ConfigsHolding(const StoreContents& stored, crds::Kind kind,
                                                         const std::string& name) {
  std::vector<std::pair<std::string, bool>> configs;
  if (const StoredSpec* winner = stored.Find(kind, name))
    configs.emplace_back(winner->config_name, winner->owned);
  for (const SupersededConfig& s : stored.superseded) {
    if (s.kind == kind && s.name == name) configs.emplace_back(s.config_name, s.owned);
  }
  // An invalid config is known to hold this spec only through its labels, which only swarmop writes.
  for (const InvalidConfig& invalid : stored.invalid) {
    if (invalid.owned && LabelOr(invalid.labels, labels::kKind) == crds::KindName(kind) &&
        LabelOr(invalid.labels, labels::kName) == name) {
      configs.emplace_back(invalid.config_name, true);
    }
  }
  return configs;
}

}  // namespace

StatusOr<DeleteSpecResult> SpecStore::Delete(crds::Kind kind, const std::string& name) {
  auto stored = Load();
  if (!stored.ok()) return stored.status();
  const auto configs = ConfigsHolding(*stored, kind, name);
  const std::string key = std::string(crds::KindName(kind)) + "/" + name;
  if (configs.empty()) return NotFoundError("no stored spec " + key);

  DeleteSpecResult result;
  for (const auto& [config_name, owned] : configs) {
    if (!owned) {
      result.unowned_leftover.push_back(config_name);
      continue;
    }
    Status removed = engine_.RemoveConfig(config_name);
    if (!removed.ok() && removed.code() != Code::kNotFound)
      return removed.WithContext("removing config " + config_name + " of " + key);
    result.removed.push_back(config_name);
  }
  return result;
}

}  // namespace swarmop::reconciler
