// CountingEngine: an Engine decorator that counts calls by verb ("list services", "update service") and
// separates reads from writes. Tests assert "a second apply makes zero writes"; metrics export the counts.
//
// What a "write" is: a write call the engine ACCEPTED, i.e. a change to the swarm. A refused attempt (Swarm's
// "update out of sequence" after it bumped a service's version itself, a name clash, a fault) changed nothing
// and is counted apart: Counts() has every call per verb (attempts), FailedCounts() the refused ones per
// verb, Writes()/WriteLog() the accepted writes, AttemptLog() every write call in order with its outcome.
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
  uint64_t Writes() const;        // accepted writes
  uint64_t FailedWrites() const;  // write calls the engine refused
  // Refused write calls per verb, e.g. {"update service": 1}.
  std::map<std::string, uint64_t> FailedCounts() const;
  // Accepted writes in call order, with their target: "update service web s1 (version 12)".
  std::vector<std::string> WriteLog() const;
  // Every write call in order; a refused one ends in " -> failed: <engine message>". Good for test messages.
  std::vector<std::string> AttemptLog() const;
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
  void RecordWrite(const std::string& verb, const std::string& target, const Status& outcome);
  // Records the write's outcome and passes the result on unchanged.
  Status Written(const std::string& verb, const std::string& target, Status outcome) {
    RecordWrite(verb, target, outcome);
    return outcome;
  }
  template <typename T>
  StatusOr<T> Written(const std::string& verb, const std::string& target, StatusOr<T> outcome) {
    RecordWrite(verb, target, outcome.status());
    return outcome;
  }

  std::unique_ptr<Engine> owned_;
  Engine* inner_;
  mutable std::mutex mu_;
  std::map<std::string, uint64_t> counts_;    // every call, per verb
  std::map<std::string, uint64_t> failures_;  // refused write calls, per verb
  uint64_t reads_ = 0;
  uint64_t writes_ = 0;
  uint64_t failed_writes_ = 0;
  std::vector<std::string> write_log_;
  std::vector<std::string> attempt_log_;
};

}  // namespace swarmop::engine
