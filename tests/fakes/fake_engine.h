// FakeEngine: an in-memory Docker Swarm behind the engine::Engine interface, for reconciler tests.
//
// Keeps the semantics a reconciler can trip over: versions (an update with a stale version fails with
// kAborted, "update out of sequence"), names (create with a taken name: kConflict; rename or mode change:
// kNotSupported), references (network targets and config/secret ID+name must exist and match; the engine
// stores network IDs), configs immutable except labels, removing a config or network in use:
// kFailedPrecondition. Reads look like the real engine's: UpdateConfig/RollbackConfig/RestartPolicy/
// EndpointSpec defaults filled in when the writer left them unset, optionally images pinned with a digest,
// raw_spec set.
// Writes are logged ("create service web") and faults can be injected per verb (CountingEngine's verbs).
//
// Thread-safety: every method takes one mutex; safe from several threads.
#pragma once

#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "swarmop/engine/engine.h"

namespace swarmop::testing {

class FakeEngine : public engine::Engine {
 public:
  FakeEngine();

  // ---- setup (not logged, no faults)
  std::string AddNode(const std::string& hostname, const std::map<std::string, std::string>& labels);
  std::string AddNetwork(const engine::NetworkSpec& spec);
  std::string AddSecret(const std::string& name);
  std::string AddConfig(const engine::ConfigSpec& spec);
  std::string AddService(const engine::ServiceSpec& spec);  // e.g. an unowned service

  // ---- behaviour
  // Reads return images as "<image>@sha256:<64 hex>" like services created by the docker CLI.
  void SetPinDigests(bool pin);
  // When true (default), every replicated service runs all its replicas: ServiceStatus and tasks say so.
  void SetConverged(bool converged);
  // Replaces the synthesized tasks of a service (by name). A job's ServiceStatus counts these tasks'
  // states ("running", "complete"), as the engine does; a job without SetTasks runs (never completes).
  void SetTasks(const std::string& service_name, std::vector<engine::Task> tasks);
  void SetUpdateStatus(const std::string& service_name, const std::string& state, const std::string& message);
  // The next `count` calls of `verb` ("update service", "list services", ...) fail with `status` and do
  // nothing. With `after_effect`, the call takes effect first and then reports the failure (a timeout
  // whose request landed).
  void FailNext(const std::string& verb, int count, Status status, bool after_effect = false);

  // ---- inspection
  std::vector<std::string> WriteLog() const;  // "create service web", "update service web (version 12)"
  void ClearWriteLog();
  size_t Writes() const;
  std::optional<engine::Service> FindService(const std::string& name) const;  // as a read would return it
  std::vector<std::string> ServiceNames() const;
  std::vector<std::string> ConfigNames() const;
  std::vector<std::string> NetworkNames() const;
  // raw_spec received by the last UpdateService of this service ("" if none).
  std::string LastUpdateRawSpec(const std::string& service_name) const;

  // ---- engine::Engine
  std::string ApiVersion() const override { return "1.41"; }
  Status Ping() override;
  StatusOr<engine::SystemInfo> Info() override;
  StatusOr<engine::VersionInfo> Version() override;
  StatusOr<std::vector<engine::Service>> ListServices(const engine::ListFilter& filter) override;
  StatusOr<engine::Service> InspectService(const std::string& id_or_name) override;
  StatusOr<std::string> CreateService(const engine::ServiceSpec& spec) override;
  Status UpdateService(const std::string& id, uint64_t version, const engine::ServiceSpec& spec) override;
  Status RemoveService(const std::string& id_or_name) override;
  StatusOr<std::vector<engine::Task>> ListTasks(const engine::TaskFilter& filter) override;
  StatusOr<std::vector<engine::Node>> ListNodes(const engine::ListFilter& filter) override;
  StatusOr<engine::Node> InspectNode(const std::string& id_or_name) override;
  Status UpdateNode(const std::string& id, uint64_t version, const engine::NodeSpec& spec) override;
  StatusOr<std::vector<engine::Config>> ListConfigs(const engine::ListFilter& filter) override;
  StatusOr<engine::Config> InspectConfig(const std::string& id_or_name) override;
  StatusOr<std::string> CreateConfig(const engine::ConfigSpec& spec) override;
  Status UpdateConfig(const std::string& id, uint64_t version, const engine::ConfigSpec& spec) override;
  Status RemoveConfig(const std::string& id_or_name) override;
  StatusOr<std::vector<engine::Secret>> ListSecrets(const engine::ListFilter& filter) override;
  StatusOr<engine::Secret> InspectSecret(const std::string& id_or_name) override;
  StatusOr<std::string> CreateSecret(const engine::SecretSpec& spec) override;
  Status UpdateSecret(const std::string& id, uint64_t version, const engine::SecretSpec& spec) override;
  Status RemoveSecret(const std::string& id_or_name) override;
  StatusOr<std::vector<engine::Network>> ListNetworks(const engine::ListFilter& filter) override;
  StatusOr<engine::Network> InspectNetwork(const std::string& id_or_name) override;
  StatusOr<std::string> CreateNetwork(const engine::NetworkSpec& spec) override;
  Status RemoveNetwork(const std::string& id_or_name) override;
  StatusOr<std::unique_ptr<engine::EventStream>> Events(const engine::EventFilter& filter) override;

 private:
  struct Fault {
    Status status;
    bool after_effect = false;
  };
  struct StoredService {
    engine::Service service;
    std::string last_update_raw_spec;
  };

  // Returns the fault to report for `verb`, if one is queued.
  std::optional<Fault> TakeFault(const std::string& verb);
  // Runs `call` under the lock, honouring a queued fault for `verb`.
  template <typename Call>
  auto Faulty(const std::string& verb, Call call) -> decltype(call());
  void Log(const std::string& line);
  std::string NewId(const std::string& prefix);
  uint64_t NextIndex() { return ++index_; }

  engine::Service ReadView(const engine::Service& stored) const;
  Status CheckReferences(engine::ServiceSpec& spec) const;  // resolves network names to IDs
  StoredService* FindStoredService(const std::string& id_or_name);
  engine::Config* FindStoredConfig(const std::string& id_or_name);
  engine::Secret* FindStoredSecret(const std::string& id_or_name);
  engine::Network* FindStoredNetwork(const std::string& id_or_name);
  std::vector<engine::Task> TasksOf(const engine::Service& service) const;

  StatusOr<std::string> CreateServiceLocked(const engine::ServiceSpec& spec);
  Status UpdateServiceLocked(const std::string& id, uint64_t version, const engine::ServiceSpec& spec);
  Status RemoveServiceLocked(const std::string& id_or_name);
  StatusOr<std::string> CreateConfigLocked(const engine::ConfigSpec& spec);
  Status RemoveConfigLocked(const std::string& id_or_name);
  StatusOr<std::string> CreateNetworkLocked(const engine::NetworkSpec& spec);
  Status RemoveNetworkLocked(const std::string& id_or_name);

  mutable std::mutex mu_;
  uint64_t index_ = 10;
  uint64_t next_id_ = 1;
  bool pin_digests_ = false;
  bool converged_ = true;
  std::map<std::string, StoredService> services_;  // by ID
  std::map<std::string, engine::Config> configs_;
  std::map<std::string, engine::Secret> secrets_;
  std::map<std::string, engine::Network> networks_;
  std::map<std::string, engine::Node> nodes_;
  std::map<std::string, std::vector<engine::Task>> tasks_override_;  // by service name
  std::map<std::string, engine::UpdateStatus> update_status_;        // by service name
  std::map<std::string, std::deque<Fault>> faults_;
  std::vector<std::string> write_log_;
};

}  // namespace swarmop::testing
