// Actual state: one labelled list per owned kind, exact-name lookups only for desired names that are not
// owned (a converged estate costs no extra calls), one unfiltered network list to map IDs to names.
#include <set>

#include "swarmop/reconciler/core/estate.h"
#include "swarmop/reconciler/core/labels.h"

namespace swarmop::reconciler {
namespace {

// The spec store keeps specs as configs labelled managed-by=swarmop too (role=spec): they are swarmop's, but
// not rendered objects, so a plan must never see (and prune) them.
bool IsSpecStoreObject(const engine::Labels& object_labels) {
  auto it = object_labels.find(labels::kRole);
  return it != object_labels.end() && it->second == labels::kRoleSpec;
}

engine::ListFilter OwnedFilter() {
  return engine::ListFilter::Labels({{labels::kManagedBy, labels::kManagerName}});
}

Status GatherServices(engine::Engine& engine, const RenderedState& desired, ActualState& out) {
  auto owned = engine.ListServices(OwnedFilter());
  if (!owned.ok()) return owned.status().WithContext("listing swarmop's services");
  std::set<std::string> owned_names;
  for (auto& service : *owned) {
    if (!labels::IsOwned(service.spec.labels)) continue;  // the label filter ran on the engine; be sure
    owned_names.insert(service.spec.name);
    out.services.push_back(std::move(service));
  }
  for (const auto& want : desired.services) {
    if (!want.target.local() || owned_names.count(want.spec.name)) continue;
    auto found = engine.ListServices(engine::ListFilter::Name(want.spec.name));
    if (!found.ok()) return found.status().WithContext("looking up service " + want.spec.name);
    for (auto& service : *found) {
      if (service.spec.name == want.spec.name && !labels::IsOwned(service.spec.labels)) {
        out.unowned_services.push_back(std::move(service));
      }
    }
  }
  return Status::Ok();
}

// Names referenced by local desired services that are not rendered configs: `from:` configs.
std::set<std::string> ExternalConfigNames(const RenderedState& desired) {
  std::set<std::string> rendered;
  for (const auto& config : desired.configs) rendered.insert(config.spec.name);
  std::set<std::string> out;
  for (const auto& service : desired.services) {
    if (!service.target.local()) continue;
    for (const auto& ref : service.spec.task_template.container_spec.configs) {
      if (!rendered.count(ref.config_name)) out.insert(ref.config_name);
    }
  }
  return out;
}

std::set<std::string> SecretNames(const RenderedState& desired) {
  std::set<std::string> out;
  for (const auto& service : desired.services) {
    if (!service.target.local()) continue;
    for (const auto& ref : service.spec.task_template.container_spec.secrets) out.insert(ref.secret_name);
  }
  return out;
}

Status GatherConfigs(engine::Engine& engine, const RenderedState& desired, ActualState& out) {
  auto owned = engine.ListConfigs(OwnedFilter());
  if (!owned.ok()) return owned.status().WithContext("listing swarmop's configs");
  for (auto& config : *owned) {
    if (labels::IsOwned(config.spec.labels) && !IsSpecStoreObject(config.spec.labels)) {
      out.configs.push_back(std::move(config));
    }
  }
  std::set<std::string> external = ExternalConfigNames(desired);
  if (external.empty()) return Status::Ok();
  auto all = engine.ListConfigs({});
  if (!all.ok()) return all.status().WithContext("listing configs");
  for (const auto& config : *all) {
    if (external.count(config.spec.name)) out.existing_configs.push_back(config.spec.name);
  }
  return Status::Ok();
}

Status GatherSecrets(engine::Engine& engine, const RenderedState& desired, ActualState& out) {
  std::set<std::string> wanted = SecretNames(desired);
  if (wanted.empty()) return Status::Ok();
  auto all = engine.ListSecrets({});
  if (!all.ok()) return all.status().WithContext("listing secrets");
  for (const auto& secret : *all) {
    if (wanted.count(secret.spec.name)) out.existing_secrets.push_back(secret.spec.name);
  }
  return Status::Ok();
}

}  // namespace

const engine::Network* ActualState::FindNetworkByIdOrName(const std::string& id_or_name) const {
  for (const auto& network : networks) {
    if (network.id == id_or_name || network.name == id_or_name) return &network;
  }
  return nullptr;
}

StatusOr<ActualState> GatherActualState(engine::Engine& engine, const RenderedState& desired) {
  ActualState out;
  SWARMOP_RETURN_IF_ERROR(GatherServices(engine, desired, out));
  SWARMOP_RETURN_IF_ERROR(GatherConfigs(engine, desired, out));
  SWARMOP_RETURN_IF_ERROR(GatherSecrets(engine, desired, out));
  auto networks = engine.ListNetworks({});
  if (!networks.ok()) return networks.status().WithContext("listing networks");
  out.networks = std::move(*networks);
  return out;
}

}  // namespace swarmop::reconciler
