// NameResolver: maps the names a rendered spec uses (networks, configs, secrets) to the IDs Swarm wants,
// asking the engine once per name and caching the answer for the rest of an apply.
// Thread-safety: safe from several threads (one mutex; engine calls happen outside it).
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "swarmop/base/status.h"
#include "swarmop/engine/engine.h"
#include "swarmop/reconciler/core/diff.h"

namespace swarmop::reconciler::internal {

class NameResolver {
 public:
  explicit NameResolver(engine::Engine& engine) : engine_(engine) {}

  // A copy of `spec` whose references carry IDs: network targets, ConfigID, SecretID.
  StatusOr<engine::ServiceSpec> Resolve(const engine::ServiceSpec& spec);
  // Network ID -> name for diffing what the engine reports (refreshed by Refresh()).
  StatusOr<DiffContext> Context();
  // Forget cached networks (after networks were created).
  void Refresh();

 private:
  StatusOr<std::string> NetworkId(const std::string& name);
  StatusOr<std::string> ConfigId(const std::string& name);
  StatusOr<std::string> SecretId(const std::string& name);
  Status LoadNetworks();

  engine::Engine& engine_;
  std::mutex mu_;
  bool networks_loaded_ = false;
  std::map<std::string, std::string> network_ids_;    // name -> id
  std::map<std::string, std::string> network_names_;  // id -> name
  std::map<std::string, std::string> config_ids_;
  std::map<std::string, std::string> secret_ids_;
};

}  // namespace swarmop::reconciler::internal
