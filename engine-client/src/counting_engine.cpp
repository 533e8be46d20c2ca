#include "swarmop/engine/counting_engine.h"

namespace swarmop::engine {

CountingEngine::CountingEngine(Engine* inner) : inner_(inner) {}
CountingEngine::CountingEngine(std::unique_ptr<Engine> inner)
    : owned_(std::move(inner)), inner_(owned_.get()) {}

void CountingEngine::Read(const std::string& verb) {
  std::lock_guard<std::mutex> lock(mu_);
  ++counts_[verb];
  ++reads_;
}

void CountingEngine::RecordWrite(const std::string& verb, const std::string& target, const Status& outcome) {
  std::lock_guard<std::mutex> lock(mu_);
  ++counts_[verb];
  std::string entry = verb + " " + target;
  if (outcome.ok()) {
    ++writes_;
    write_log_.push_back(entry);
    attempt_log_.push_back(std::move(entry));
  } else {
    ++failures_[verb];
    ++failed_writes_;
    attempt_log_.push_back(entry + " -> failed: " + outcome.message());
  }
}

std::map<std::string, uint64_t> CountingEngine::Counts() const {
  std::lock_guard<std::mutex> lock(mu_);
  return counts_;
}

uint64_t CountingEngine::Count(const std::string& verb) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = counts_.find(verb);
  return it == counts_.end() ? 0 : it->second;
}

uint64_t CountingEngine::Reads() const {
  std::lock_guard<std::mutex> lock(mu_);
  return reads_;
}

uint64_t CountingEngine::Writes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return writes_;
}

uint64_t CountingEngine::FailedWrites() const {
  std::lock_guard<std::mutex> lock(mu_);
  return failed_writes_;
}

std::map<std::string, uint64_t> CountingEngine::FailedCounts() const {
  std::lock_guard<std::mutex> lock(mu_);
  return failures_;
}

std::vector<std::string> CountingEngine::WriteLog() const {
  std::lock_guard<std::mutex> lock(mu_);
  return write_log_;
}

std::vector<std::string> CountingEngine::AttemptLog() const {
  std::lock_guard<std::mutex> lock(mu_);
  return attempt_log_;
}

void CountingEngine::Reset() {
  std::lock_guard<std::mutex> lock(mu_);
  counts_.clear();
  failures_.clear();
  reads_ = writes_ = failed_writes_ = 0;
  write_log_.clear();
  attempt_log_.clear();
}

std::string CountingEngine::ApiVersion() const { return inner_->ApiVersion(); }

Status CountingEngine::Ping() {
  Read("ping");
  return inner_->Ping();
}
StatusOr<SystemInfo> CountingEngine::Info() {
  Read("info");
  return inner_->Info();
}
StatusOr<VersionInfo> CountingEngine::Version() {
  Read("version");
  return inner_->Version();
}

StatusOr<std::vector<Service>> CountingEngine::ListServices(const ListFilter& filter) {
  Read("list services");
  return inner_->ListServices(filter);
}
StatusOr<Service> CountingEngine::InspectService(const std::string& id) {
  Read("inspect service");
  return inner_->InspectService(id);
}
StatusOr<std::string> CountingEngine::CreateService(const ServiceSpec& spec) {
  return Written("create service", spec.name, inner_->CreateService(spec));
}
Status CountingEngine::UpdateService(const std::string& id, uint64_t version, const ServiceSpec& spec) {
  return Written("update service", spec.name + " " + id + " (version " + std::to_string(version) + ")",
                 inner_->UpdateService(id, version, spec));
}
Status CountingEngine::RemoveService(const std::string& id) {
  return Written("remove service", id, inner_->RemoveService(id));
}

StatusOr<std::vector<Task>> CountingEngine::ListTasks(const TaskFilter& filter) {
  Read("list tasks");
  return inner_->ListTasks(filter);
}

StatusOr<std::vector<Node>> CountingEngine::ListNodes(const ListFilter& filter) {
  Read("list nodes");
  return inner_->ListNodes(filter);
}
StatusOr<Node> CountingEngine::InspectNode(const std::string& id) {
  Read("inspect node");
  return inner_->InspectNode(id);
}
Status CountingEngine::UpdateNode(const std::string& id, uint64_t version, const NodeSpec& spec) {
  return Written("update node", id + " (version " + std::to_string(version) + ")",
                 inner_->UpdateNode(id, version, spec));
}

StatusOr<std::vector<Config>> CountingEngine::ListConfigs(const ListFilter& filter) {
  Read("list configs");
  return inner_->ListConfigs(filter);
}
StatusOr<Config> CountingEngine::InspectConfig(const std::string& id) {
  Read("inspect config");
  return inner_->InspectConfig(id);
}
StatusOr<std::string> CountingEngine::CreateConfig(const ConfigSpec& spec) {
  return Written("create config", spec.name, inner_->CreateConfig(spec));
}
Status CountingEngine::UpdateConfig(const std::string& id, uint64_t version, const ConfigSpec& spec) {
  return Written("update config", spec.name + " " + id + " (version " + std::to_string(version) + ")",
                 inner_->UpdateConfig(id, version, spec));
}
Status CountingEngine::RemoveConfig(const std::string& id) {
  return Written("remove config", id, inner_->RemoveConfig(id));
}

StatusOr<std::vector<Secret>> CountingEngine::ListSecrets(const ListFilter& filter) {
  Read("list secrets");
  return inner_->ListSecrets(filter);
}
StatusOr<Secret> CountingEngine::InspectSecret(const std::string& id) {
  Read("inspect secret");
  return inner_->InspectSecret(id);
}
StatusOr<std::string> CountingEngine::CreateSecret(const SecretSpec& spec) {
  return Written("create secret", spec.name, inner_->CreateSecret(spec));
}
Status CountingEngine::UpdateSecret(const std::string& id, uint64_t version, const SecretSpec& spec) {
  return Written("update secret", spec.name + " " + id + " (version " + std::to_string(version) + ")",
                 inner_->UpdateSecret(id, version, spec));
}
Status CountingEngine::RemoveSecret(const std::string& id) {
  return Written("remove secret", id, inner_->RemoveSecret(id));
}

StatusOr<std::vector<Network>> CountingEngine::ListNetworks(const ListFilter& filter) {
  Read("list networks");
  return inner_->ListNetworks(filter);
}
StatusOr<Network> CountingEngine::InspectNetwork(const std::string& id) {
  Read("inspect network");
  return inner_->InspectNetwork(id);
}
StatusOr<std::string> CountingEngine::CreateNetwork(const NetworkSpec& spec) {
  return Written("create network", spec.name, inner_->CreateNetwork(spec));
}
Status CountingEngine::RemoveNetwork(const std::string& id) {
  return Written("remove network", id, inner_->RemoveNetwork(id));
}

StatusOr<std::unique_ptr<EventStream>> CountingEngine::Events(const EventFilter& filter) {
  Read("events");
  return inner_->Events(filter);
}

}  // namespace swarmop::engine
