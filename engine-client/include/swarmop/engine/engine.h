// Engine: the Docker Engine API operations swarmop needs, as an interface.
//
// Connect() returns the real implementation (HTTP over a unix socket, tcp or tcp+TLS); tests use
// swarmop/engine/testing/mock_engine.h or their own fakes; CountingEngine decorates any Engine.
// Errors are values, the engine's meanings mapped onto base's generic codes: 404 kNotFound, 409 kConflict,
// "update out of sequence" (a stale version) kAborted, 400 kInvalidArgument ("in use" kFailedPrecondition),
// 503 "not a swarm manager" (a worker, or no swarm) kFailedPrecondition, 501 kNotSupported, no connection
// kUnavailable, deadline kTimeout. Messages carry the engine's own words ("update out of sequence", ...).
//
// Thread-safety: implementations are safe to call from several threads at once.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "swarmop/base/status.h"
#include "swarmop/engine/config.h"
#include "swarmop/engine/endpoint.h"
#include "swarmop/engine/event.h"
#include "swarmop/engine/event_stream.h"
#include "swarmop/engine/filters.h"
#include "swarmop/engine/network.h"
#include "swarmop/engine/node.h"
#include "swarmop/engine/service.h"
#include "swarmop/engine/system.h"
#include "swarmop/engine/task.h"

namespace swarmop::engine {

class Engine {
 public:
  virtual ~Engine() = default;

  // The API version used in request paths ("1.41"), as negotiated or forced.
  virtual std::string ApiVersion() const = 0;

  // System.
  virtual Status Ping() = 0;
  virtual StatusOr<SystemInfo> Info() = 0;
  virtual StatusOr<VersionInfo> Version() = 0;

  // Services. ListServices also fills ServiceStatus (running/desired tasks).
  virtual StatusOr<std::vector<Service>> ListServices(const ListFilter& filter) = 0;
  virtual StatusOr<Service> InspectService(const std::string& id_or_name) = 0;
  virtual StatusOr<std::string> CreateService(const ServiceSpec& spec) = 0;  // returns the new ID
  // `version` is Service::version as read; a stale one yields kAborted ("update out of sequence": re-read and
  // retry). The typed fields of `spec` are merged over spec.raw_spec so unknown fields survive.
  virtual Status UpdateService(const std::string& id, uint64_t version, const ServiceSpec& spec) = 0;
  virtual Status RemoveService(const std::string& id_or_name) = 0;

  // Tasks.
  virtual StatusOr<std::vector<Task>> ListTasks(const TaskFilter& filter) = 0;

  // Nodes. UpdateNode replaces the whole NodeSpec (merged over spec.raw_spec).
  virtual StatusOr<std::vector<Node>> ListNodes(const ListFilter& filter) = 0;
  virtual StatusOr<Node> InspectNode(const std::string& id_or_name) = 0;
  virtual Status UpdateNode(const std::string& id, uint64_t version, const NodeSpec& spec) = 0;

  // Configs. UpdateConfig changes labels only; spec.name must be the current name and spec.data is ignored.
  virtual StatusOr<std::vector<Config>> ListConfigs(const ListFilter& filter) = 0;
  virtual StatusOr<Config> InspectConfig(const std::string& id_or_name) = 0;
  virtual StatusOr<std::string> CreateConfig(const ConfigSpec& spec) = 0;
  virtual Status UpdateConfig(const std::string& id, uint64_t version, const ConfigSpec& spec) = 0;
  virtual Status RemoveConfig(const std::string& id_or_name) = 0;

  // Secrets. Same rules as configs; data is never returned.
  virtual StatusOr<std::vector<Secret>> ListSecrets(const ListFilter& filter) = 0;
  virtual StatusOr<Secret> InspectSecret(const std::string& id_or_name) = 0;
  virtual StatusOr<std::string> CreateSecret(const SecretSpec& spec) = 0;
  virtual Status UpdateSecret(const std::string& id, uint64_t version, const SecretSpec& spec) = 0;
  virtual Status RemoveSecret(const std::string& id_or_name) = 0;

  // Networks (no update in the Engine API).
  virtual StatusOr<std::vector<Network>> ListNetworks(const ListFilter& filter) = 0;
  virtual StatusOr<Network> InspectNetwork(const std::string& id_or_name) = 0;
  virtual StatusOr<std::string> CreateNetwork(const NetworkSpec& spec) = 0;
  virtual Status RemoveNetwork(const std::string& id_or_name) = 0;

  // Opens the /events stream. Fails fast (kUnavailable, ...) when the first connection cannot be opened.
  virtual StatusOr<std::unique_ptr<EventStream>> Events(const EventFilter& filter) = 0;
};

// Connects to the engine and negotiates the API version through GET /_ping:
// min(kMaxApiVersion, engine's Api-Version) unless endpoint.api_version forces one.
// Fails with kUnavailable (naming the address) when the engine cannot be reached.
inline constexpr const char* kMaxApiVersion = "1.50";
StatusOr<std::unique_ptr<Engine>> Connect(const Endpoint& endpoint);

// Compares dotted API versions numerically: "1.9" < "1.41". Returns <0, 0, >0.
int CompareApiVersions(const std::string& a, const std::string& b);

}  // namespace swarmop::engine
