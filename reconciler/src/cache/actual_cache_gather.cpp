// What a key's plan reads from the cache: the same fields GatherActualState (core/gather.cpp) lists, cut to
// the key's own objects, so that a key's reconcile costs the size of the key, not of the estate.
#include <set>

#include "actual_cache_tables.h"

namespace swarmop::reconciler::internal {
namespace {

std::set<std::string> LocalServiceNames(const RenderedState& desired) {
  std::set<std::string> out;
  for (const auto& service : desired.services) {
    if (service.target.local()) out.insert(service.spec.name);
  }
  return out;
}

std::set<std::string> ConfigNames(const RenderedState& desired) {
  std::set<std::string> out;
  for (const auto& config : desired.configs) out.insert(config.spec.name);
  return out;
}

// Names referenced by local desired services that are not rendered configs (`from:` configs), and the
// secrets they reference.
void ReferencedNames(const RenderedState& desired, std::set<std::string>& external_configs,
                     std::set<std::string>& secrets) {
  std::set<std::string> rendered = ConfigNames(desired);
  for (const auto& service : desired.services) {
    if (!service.target.local()) continue;
    const auto& container = service.spec.task_template.container_spec;
    for (const auto& ref : container.configs) {
      if (!rendered.count(ref.config_name)) external_configs.insert(ref.config_name);
    }
    for (const auto& ref : container.secrets) secrets.insert(ref.secret_name);
  }
}

// The IDs of owned objects in scope: the owner's, plus those a desired name asks for.
template <typename T>
std::set<std::string> OwnedInScope(const Table<T>& table, const std::set<std::string>& names,
                                   const GatherScope& scope) {
  std::set<std::string> ids;
  if (!scope.owner) {
    for (const auto& [owner, owned] : table.by_owner) ids.insert(owned.begin(), owned.end());
    return ids;
  }
  auto it = table.by_owner.find(*scope.owner);
  if (it != table.by_owner.end()) ids = it->second;
  for (const std::string& name : names) {
    auto id = table.id_by_name.find(name);
    if (id != table.id_by_name.end() && labels::IsOwned(LabelsOf(table.by_id.at(id->second).value))) {
      ids.insert(id->second);
    }
  }
  return ids;
}

// Owned objects in name order (what a listing of the owned label would give, sorted).
template <typename T>
std::vector<T> Sorted(const Table<T>& table, const std::set<std::string>& ids) {
  std::map<std::string, const T*> by_name;
  for (const std::string& id : ids) {
    const T& value = table.by_id.at(id).value;
    by_name[NameOf(value)] = &value;
  }
  std::vector<T> out;
  out.reserve(by_name.size());
  for (const auto& [name, value] : by_name) out.push_back(*value);
  return out;
}

}  // namespace

ActualState GatherFromTables(const CacheState& state, const RenderedState& desired,
                             const GatherScope& scope) {
  ActualState out;
  const std::set<std::string> services = LocalServiceNames(desired);
  out.services = Sorted(state.services, OwnedInScope(state.services, services, scope));
  for (const std::string& name : services) {
    const engine::Service* found = state.services.FindName(name);
    if (found != nullptr && !labels::IsOwned(found->spec.labels)) out.unowned_services.push_back(*found);
  }
  // Stored specs are owned configs too, but no plan reads them: left out before anything is copied (a Site
  // key's scope holds every one of them).
  std::set<std::string> config_ids = OwnedInScope(state.configs, ConfigNames(desired), scope);
  std::erase_if(config_ids, [&](const std::string& id) {
    return IsSpecStoreObject(state.configs.by_id.at(id).value.spec.labels);
  });
  out.configs = Sorted(state.configs, config_ids);
  out.networks.reserve(state.networks.by_id.size());
  for (const auto& [id, entry] : state.networks.by_id) out.networks.push_back(entry.value);
  std::set<std::string> external, secrets;
  ReferencedNames(desired, external, secrets);
  for (const std::string& name : external) {
    if (state.configs.FindName(name) != nullptr) out.existing_configs.push_back(name);
  }
  for (const std::string& name : secrets) {
    if (state.secrets.FindName(name) != nullptr) out.existing_secrets.push_back(name);
  }
  return out;
}

}  // namespace swarmop::reconciler::internal
