#include "name_resolver.h"

namespace swarmop::reconciler::internal {

void NameResolver::Refresh() {
  std::lock_guard<std::mutex> lock(mu_);
  networks_loaded_ = false;
}

Status NameResolver::LoadNetworks() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (networks_loaded_) return Status::Ok();
  }
  auto networks = engine_.ListNetworks({});
  if (!networks.ok()) return networks.status().WithContext("listing networks");
  std::lock_guard<std::mutex> lock(mu_);
  network_ids_.clear();
  network_names_.clear();
  for (const auto& network : *networks) {
    // A swarm-scoped network wins over a local one with the same name.
    if (!network_ids_.count(network.name) || network.scope == "swarm")
      network_ids_[network.name] = network.id;
    network_names_[network.id] = network.name;
  }
  networks_loaded_ = true;
  return Status::Ok();
}

StatusOr<DiffContext> NameResolver::Context() {
  SWARMOP_RETURN_IF_ERROR(LoadNetworks());
  std::lock_guard<std::mutex> lock(mu_);
  return DiffContext{network_names_};
}

StatusOr<std::string> NameResolver::NetworkId(const std::string& name) {
  SWARMOP_RETURN_IF_ERROR(LoadNetworks());
  std::lock_guard<std::mutex> lock(mu_);
  auto it = network_ids_.find(name);
  if (it != network_ids_.end()) return it->second;
  if (network_names_.count(name)) return name;  // already an ID
  return NotFoundError("no such network: " + name);
}

StatusOr<std::string> NameResolver::ConfigId(const std::string& name) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = config_ids_.find(name);
    if (it != config_ids_.end()) return it->second;
  }
  auto config = engine_.InspectConfig(name);
  if (!config.ok()) return config.status().WithContext("config " + name);
  std::lock_guard<std::mutex> lock(mu_);
  config_ids_[name] = config->id;
  return config->id;
}

StatusOr<std::string> NameResolver::SecretId(const std::string& name) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = secret_ids_.find(name);
    if (it != secret_ids_.end()) return it->second;
  }
  auto secret = engine_.InspectSecret(name);
  if (!secret.ok()) return secret.status().WithContext("secret " + name);
  std::lock_guard<std::mutex> lock(mu_);
  secret_ids_[name] = secret->id;
  return secret->id;
}

StatusOr<engine::ServiceSpec> NameResolver::Resolve(const engine::ServiceSpec& spec) {
  engine::ServiceSpec out = spec;
  for (auto& network : out.task_template.networks) {
    auto id = NetworkId(network.target);
    if (!id.ok()) return id.status();
    network.target = *id;
  }
  for (auto& ref : out.task_template.container_spec.configs) {
    auto id = ConfigId(ref.config_name);
    if (!id.ok()) return id.status();
    ref.config_id = *id;
  }
  for (auto& ref : out.task_template.container_spec.secrets) {
    auto id = SecretId(ref.secret_name);
    if (!id.ok()) return id.status();
    ref.secret_id = *id;
  }
  return out;
}

}  // namespace swarmop::reconciler::internal
