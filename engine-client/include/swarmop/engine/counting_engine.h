// CountingEngine: an Engine decorator that counts calls by verb ("list services", "update service") and
// separates reads from writes. Tests assert "a second apply makes zero writes"; metrics export the counts.
// Every call is counted, successful or not.
//
// Thread-safety: safe from several threads (counters behind a mutex); the inner engine must be too.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "swarmop/engine/engine.h"

namespace swarmop::engine {

class CountingEngine : public Engine {
 public:
  // Borrows `inner`, which must outlive this object.
  explicit CountingEngine(Engine* inner);
  // Owns `inner`.
  explicit CountingEngine(std::unique_ptr<Engine> inner);

  // Calls per verb, e.g. {"inspect service": 2, "update service": 1}.
  std::map<std::string, uint64_t> Counts() const;
  uint64_t Count(const std::string& verb) const;
  uint64_t Reads() const;
  uint64_t Writes() const;
  // Writes in call order, with their target: "update service web (version 12)". Good for test messages.
  std::vector<std::string> WriteLog() const;
  void Reset();

  std::string ApiVersion() const override;
  Status Ping() override;
  StatusOr<SystemInfo> Info() override;
  StatusOr<VersionInfo> Version() override;
  StatusOr<std::vector<Service>> ListServices(const ListFilter& filter) override;
  StatusOr<Service> InspectService(const std::string& id_or_name) override;
  StatusOr<std::string> CreateService(const ServiceSpec& spec) override;
  Status UpdateService(const std::string& id, uint64_t version, const ServiceSpec& spec) override;
  Status RemoveService(const std::string& id_or_name) override;
  StatusOr<std::vector<Task>> ListTasks(const TaskFilter& filter) override;
  StatusOr<std::vector<Node>> ListNodes(const ListFilter& filter) override;
  StatusOr<Node> InspectNode(const std::string& id_or_name) override;
  Status UpdateNode(const std::string& id, uint64_t version, const NodeSpec& spec) override;
  StatusOr<std::vector<Config>> ListConfigs(const ListFilter& filter) override;
  StatusOr<Config> InspectConfig(const std::string& id_or_name) override;
  StatusOr<std::string> CreateConfig(const ConfigSpec& spec) override;
  Status UpdateConfig(const std::string& id, uint64_t version, const ConfigSpec& spec) override;
  Status RemoveConfig(const std::string& id_or_name) override;
  StatusOr<std::vector<Secret>> ListSecrets(const ListFilter& filter) override;
  StatusOr<Secret> InspectSecret(const std::string& id_or_name) override;
  StatusOr<std::string> CreateSecret(const SecretSpec& spec) override;
  Status UpdateSecret(const std::string& id, uint64_t version, const SecretSpec& spec) override;
  Status RemoveSecret(const std::string& id_or_name) override;
  StatusOr<std::vector<Network>> ListNetworks(const ListFilter& filter) override;
  StatusOr<Network> InspectNetwork(const std::string& id_or_name) override;
  StatusOr<std::string> CreateNetwork(const NetworkSpec& spec) override;
  Status RemoveNetwork(const std::string& id_or_name) override;
  StatusOr<std::unique_ptr<EventStream>> Events(const EventFilter& filter) override;

 private:
  void Read(const std::string& verb);
  void Write(const std::string& verb, const std::string& target);

  std::unique_ptr<Engine> owned_;
  Engine* inner_;
  mutable std::mutex mu_;
  std::map<std::string, uint64_t> counts_;
  uint64_t reads_ = 0;
  uint64_t writes_ = 0;
  std::vector<std::string> write_log_;
};

}  // namespace swarmop::engine
