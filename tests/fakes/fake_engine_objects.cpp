// FakeEngine's configs, secrets and networks (fake_engine.cpp has the rest).
#include "fake_engine.h"
#include "fake_engine_internal.h"

namespace swarmop::testing {

using fake_engine_internal::Matches;

// ---------------------------------------------------------------------------------------------- configs
StatusOr<std::vector<engine::Config>> FakeEngine::ListConfigs(const engine::ListFilter& filter) {
  return Faulty("list configs", [&]() -> StatusOr<std::vector<engine::Config>> {
    std::vector<engine::Config> out;
    for (const auto& [id, config] : configs_) {
      if (Matches(filter, config.spec.name, config.spec.labels)) out.push_back(config);
    }
    return out;
  });
}

StatusOr<engine::Config> FakeEngine::InspectConfig(const std::string& id_or_name) {
  return Faulty("inspect config", [&]() -> StatusOr<engine::Config> {
    engine::Config* config = FindStoredConfig(id_or_name);
    if (config == nullptr) return NotFoundError("config " + id_or_name + " not found");
    return *config;
  });
}

StatusOr<std::string> FakeEngine::CreateConfigLocked(const engine::ConfigSpec& spec) {
  if (FindStoredConfig(spec.name) != nullptr) return ConflictError("config " + spec.name + " already exists");
  engine::Config config;
  config.id = NewId("cfg");
  config.version = NextIndex();
  config.spec = spec;
  configs_[config.id] = config;
  return config.id;
}

StatusOr<std::string> FakeEngine::CreateConfig(const engine::ConfigSpec& spec) {
  return Faulty("create config", [&]() -> StatusOr<std::string> {
    auto id = CreateConfigLocked(spec);
    if (id.ok()) Log("create config " + spec.name);
    return id;
  });
}

Status FakeEngine::UpdateConfig(const std::string& id, uint64_t version, const engine::ConfigSpec& spec) {
  return Faulty("update config", [&]() -> Status {
    engine::Config* config = FindStoredConfig(id);
    if (config == nullptr) return NotFoundError("config " + id + " not found");
    if (config->version != version) return AbortedError("update out of sequence");
    if (spec.name != config->spec.name) return InvalidArgumentError("only updates to Labels are allowed");
    config->spec.labels = spec.labels;
    config->version = NextIndex();
    Log("update config " + spec.name);
    return Status::Ok();
  });
}

Status FakeEngine::RemoveConfigLocked(const std::string& id_or_name) {
  engine::Config* config = FindStoredConfig(id_or_name);
  if (config == nullptr) return NotFoundError("config " + id_or_name + " not found");
  for (const auto& [id, stored] : services_) {
    for (const auto& ref : stored.service.spec.task_template.container_spec.configs) {
      if (ref.config_id == config->id) {
        return FailedPreconditionError("config '" + config->spec.name +
                                       "' is in use by the following service: " + stored.service.spec.name);
      }
    }
  }
  std::string name = config->spec.name;
  configs_.erase(config->id);
  Log("remove config " + name);
  return Status::Ok();
}

Status FakeEngine::RemoveConfig(const std::string& id_or_name) {
  return Faulty("remove config", [&] { return RemoveConfigLocked(id_or_name); });
}

// ---------------------------------------------------------------------------------------------- secrets
StatusOr<std::vector<engine::Secret>> FakeEngine::ListSecrets(const engine::ListFilter& filter) {
  return Faulty("list secrets", [&]() -> StatusOr<std::vector<engine::Secret>> {
    std::vector<engine::Secret> out;
    for (const auto& [id, secret] : secrets_) {
      if (Matches(filter, secret.spec.name, secret.spec.labels)) out.push_back(secret);
    }
    return out;
  });
}

StatusOr<engine::Secret> FakeEngine::InspectSecret(const std::string& id_or_name) {
  return Faulty("inspect secret", [&]() -> StatusOr<engine::Secret> {
    engine::Secret* secret = FindStoredSecret(id_or_name);
    if (secret == nullptr) return NotFoundError("secret " + id_or_name + " not found");
    return *secret;
  });
}

StatusOr<std::string> FakeEngine::CreateSecret(const engine::SecretSpec& spec) {
  return Faulty("create secret", [&]() -> StatusOr<std::string> {
    if (FindStoredSecret(spec.name) != nullptr)
      return ConflictError("secret " + spec.name + " already exists");
    engine::Secret secret;
    secret.id = NewId("secret");
    secret.version = NextIndex();
    secret.spec = spec;
    secret.spec.data.clear();  // never returned
    secrets_[secret.id] = secret;
    Log("create secret " + spec.name);
    return secret.id;
  });
}

Status FakeEngine::UpdateSecret(const std::string& id, uint64_t version, const engine::SecretSpec& spec) {
  return Faulty("update secret", [&]() -> Status {
    engine::Secret* secret = FindStoredSecret(id);
    if (secret == nullptr) return NotFoundError("secret " + id + " not found");
    if (secret->version != version) return AbortedError("update out of sequence");
    secret->spec.labels = spec.labels;
    secret->version = NextIndex();
    Log("update secret " + spec.name);
    return Status::Ok();
  });
}

Status FakeEngine::RemoveSecret(const std::string& id_or_name) {
  return Faulty("remove secret", [&]() -> Status {
    engine::Secret* secret = FindStoredSecret(id_or_name);
    if (secret == nullptr) return NotFoundError("secret " + id_or_name + " not found");
    std::string name = secret->spec.name;
    secrets_.erase(secret->id);
    Log("remove secret " + name);
    return Status::Ok();
  });
}

// --------------------------------------------------------------------------------------------- networks
StatusOr<std::vector<engine::Network>> FakeEngine::ListNetworks(const engine::ListFilter& filter) {
  return Faulty("list networks", [&]() -> StatusOr<std::vector<engine::Network>> {
    std::vector<engine::Network> out;
    for (const auto& [id, network] : networks_) {
      if (Matches(filter, network.name, network.labels)) out.push_back(network);
    }
    return out;
  });
}

StatusOr<engine::Network> FakeEngine::InspectNetwork(const std::string& id_or_name) {
  return Faulty("inspect network", [&]() -> StatusOr<engine::Network> {
    engine::Network* network = FindStoredNetwork(id_or_name);
    if (network == nullptr) return NotFoundError("network " + id_or_name + " not found");
    return *network;
  });
}

StatusOr<std::string> FakeEngine::CreateNetworkLocked(const engine::NetworkSpec& spec) {
  if (FindStoredNetwork(spec.name) != nullptr)
    return ConflictError("network with name " + spec.name + " already exists");
  engine::Network network;
  network.id = NewId("net");
  network.name = spec.name;
  network.driver = spec.driver;
  network.scope = "swarm";
  network.attachable = spec.attachable;
  network.internal = spec.internal;
  network.options = spec.options;
  // Like the engine: the overlay driver adds its own options.
  network.options["com.docker.network.driver.overlay.vxlanid_list"] = std::to_string(4096 + next_id_);
  network.labels = spec.labels;
  networks_[network.id] = network;
  return network.id;
}

StatusOr<std::string> FakeEngine::CreateNetwork(const engine::NetworkSpec& spec) {
  return Faulty("create network", [&]() -> StatusOr<std::string> {
    auto id = CreateNetworkLocked(spec);
    if (id.ok()) Log("create network " + spec.name);
    return id;
  });
}

Status FakeEngine::RemoveNetworkLocked(const std::string& id_or_name) {
  engine::Network* network = FindStoredNetwork(id_or_name);
  if (network == nullptr) return NotFoundError("network " + id_or_name + " not found");
  for (const auto& [id, stored] : services_) {
    for (const auto& attachment : stored.service.spec.task_template.networks) {
      if (attachment.target == network->id) {
        return FailedPreconditionError("network " + network->name + " is in use by service " +
                                       stored.service.spec.name);
      }
    }
  }
  std::string name = network->name;
  networks_.erase(network->id);
  Log("remove network " + name);
  return Status::Ok();
}

Status FakeEngine::RemoveNetwork(const std::string& id_or_name) {
  return Faulty("remove network", [&] { return RemoveNetworkLocked(id_or_name); });
}

StatusOr<std::unique_ptr<engine::EventStream>> FakeEngine::Events(const engine::EventFilter& filter) {
  return NotSupportedError("the fake engine has no event stream");
}

}  // namespace swarmop::testing
