#include "fake_engine.h"

#include <algorithm>
#include <cstdio>
#include <functional>

#include "fake_engine_internal.h"
#include "swarmop/engine/event_stream.h"

namespace swarmop::testing {
namespace {

using fake_engine_internal::Matches;

constexpr int64_t kFiveSeconds = 5'000'000'000;

// What Swarm reports for fields a writer left unset.
engine::UpdatePolicy DefaultUpdatePolicy() {
  engine::UpdatePolicy policy;
  policy.parallelism = 1;
  policy.failure_action = "pause";
  policy.monitor_ns = kFiveSeconds;
  policy.order = "stop-first";
  return policy;
}

std::string FakeDigest(const std::string& image) {
  std::string out;
  size_t seed = std::hash<std::string>{}(image);
  while (out.size() < 64) {
    char chunk[17];
    std::snprintf(chunk, sizeof chunk, "%016zx", seed);
    out += chunk;
    seed = std::hash<std::string>{}(out);
  }
  return out.substr(0, 64);
}

}  // namespace

FakeEngine::FakeEngine() {
  engine::Network ingress;
  ingress.id = "ingress-id";
  ingress.name = "ingress";
  ingress.driver = "overlay";
  ingress.scope = "swarm";
  networks_[ingress.id] = ingress;
}

std::optional<FakeEngine::Fault> FakeEngine::TakeFault(const std::string& verb) {
  auto it = faults_.find(verb);
  if (it == faults_.end() || it->second.empty()) return std::nullopt;
  Fault fault = it->second.front();
  it->second.pop_front();
  return fault;
}

void FakeEngine::Log(const std::string& line) { write_log_.push_back(line); }

std::string FakeEngine::NewId(const std::string& prefix) { return prefix + std::to_string(next_id_++); }

// ------------------------------------------------------------------------------------------------ setup
std::string FakeEngine::AddNode(const std::string& hostname,
                                const std::map<std::string, std::string>& labels) {
  std::lock_guard<std::mutex> lock(mu_);
  engine::Node node;
  node.id = NewId("node");
  node.version = NextIndex();
  node.hostname = hostname;
  node.spec.name = hostname;
  node.spec.labels = labels;
  node.spec.role = "manager";
  node.spec.availability = "active";
  node.state = "ready";
  nodes_[node.id] = node;
  return node.id;
}

std::string FakeEngine::AddNetwork(const engine::NetworkSpec& spec) {
  std::lock_guard<std::mutex> lock(mu_);
  return CreateNetworkLocked(spec).value();
}

std::string FakeEngine::AddSecret(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  engine::Secret secret;
  secret.id = NewId("secret");
  secret.version = NextIndex();
  secret.spec.name = name;
  secrets_[secret.id] = secret;
  return secret.id;
}

std::string FakeEngine::AddConfig(const engine::ConfigSpec& spec) {
  std::lock_guard<std::mutex> lock(mu_);
  return CreateConfigLocked(spec).value();
}

std::string FakeEngine::AddService(const engine::ServiceSpec& spec) {
  std::lock_guard<std::mutex> lock(mu_);
  return CreateServiceLocked(spec).value();
}

void FakeEngine::SetPinDigests(bool pin) {
  std::lock_guard<std::mutex> lock(mu_);
  pin_digests_ = pin;
}

void FakeEngine::SetConverged(bool converged) {
  std::lock_guard<std::mutex> lock(mu_);
  converged_ = converged;
}

void FakeEngine::SetTasks(const std::string& service_name, std::vector<engine::Task> tasks) {
  std::lock_guard<std::mutex> lock(mu_);
  tasks_override_[service_name] = std::move(tasks);
}

void FakeEngine::SetUpdateStatus(const std::string& service_name, const std::string& state,
                                 const std::string& message) {
  std::lock_guard<std::mutex> lock(mu_);
  update_status_[service_name] = engine::UpdateStatus{state, message};
}

void FakeEngine::FailNext(const std::string& verb, int count, Status status, bool after_effect) {
  std::lock_guard<std::mutex> lock(mu_);
  for (int i = 0; i < count; ++i) faults_[verb].push_back(Fault{status, after_effect});
}

// ------------------------------------------------------------------------------------------- inspection
std::vector<std::string> FakeEngine::WriteLog() const {
  std::lock_guard<std::mutex> lock(mu_);
  return write_log_;
}

void FakeEngine::ClearWriteLog() {
  std::lock_guard<std::mutex> lock(mu_);
  write_log_.clear();
}

size_t FakeEngine::Writes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return write_log_.size();
}

std::optional<engine::Service> FakeEngine::FindService(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [id, stored] : services_) {
    if (stored.service.spec.name == name) return ReadView(stored.service);
  }
  return std::nullopt;
}

std::vector<std::string> FakeEngine::ServiceNames() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> out;
  for (const auto& [id, stored] : services_) out.push_back(stored.service.spec.name);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> FakeEngine::ConfigNames() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> out;
  for (const auto& [id, config] : configs_) out.push_back(config.spec.name);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> FakeEngine::NetworkNames() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> out;
  for (const auto& [id, network] : networks_) out.push_back(network.name);
  std::sort(out.begin(), out.end());
  return out;
}

std::string FakeEngine::LastUpdateRawSpec(const std::string& service_name) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [id, stored] : services_) {
    if (stored.service.spec.name == service_name) return stored.last_update_raw_spec;
  }
  return "";
}

// ------------------------------------------------------------------------------------------------ lookups
FakeEngine::StoredService* FakeEngine::FindStoredService(const std::string& id_or_name) {
  auto it = services_.find(id_or_name);
  if (it != services_.end()) return &it->second;
  for (auto& [id, stored] : services_) {
    if (stored.service.spec.name == id_or_name) return &stored;
  }
  return nullptr;
}

engine::Config* FakeEngine::FindStoredConfig(const std::string& id_or_name) {
  for (auto& [id, config] : configs_) {
    if (id == id_or_name || config.spec.name == id_or_name) return &config;
  }
  return nullptr;
}

engine::Secret* FakeEngine::FindStoredSecret(const std::string& id_or_name) {
  for (auto& [id, secret] : secrets_) {
    if (id == id_or_name || secret.spec.name == id_or_name) return &secret;
  }
  return nullptr;
}

engine::Network* FakeEngine::FindStoredNetwork(const std::string& id_or_name) {
  for (auto& [id, network] : networks_) {
    if (id == id_or_name || network.name == id_or_name) return &network;
  }
  return nullptr;
}

// The engine's view of a stored service: defaults filled in, digest pinned, status computed.
engine::Service FakeEngine::ReadView(const engine::Service& stored) const {
  engine::Service out = stored;
  engine::ServiceSpec& spec = out.spec;
  if (!spec.update_config) spec.update_config = DefaultUpdatePolicy();
  if (!spec.rollback_config) spec.rollback_config = DefaultUpdatePolicy();
  if (!spec.task_template.restart_policy) {
    spec.task_template.restart_policy = engine::RestartPolicy{"any", kFiveSeconds, 0, 0};
  }
  if (!spec.endpoint_spec) spec.endpoint_spec = engine::EndpointSpec{};
  if (spec.endpoint_spec->mode.empty()) spec.endpoint_spec->mode = "vip";
  std::string& image = spec.task_template.container_spec.image;
  if (pin_digests_ && image.find('@') == std::string::npos) image += "@sha256:" + FakeDigest(image);
  spec.raw_spec = "{\"Name\":\"" + spec.name + "\",\"FakeUnknownField\":true}";
  uint64_t replicas = spec.mode.kind == engine::ServiceMode::Kind::kReplicated ? spec.mode.replicas : 1;
  out.service_status = engine::ServiceStatus{converged_ ? replicas : 0, replicas, 0};
  if (spec.mode.kind == engine::ServiceMode::Kind::kReplicatedJob) {
    // As the engine counts a job: its running and completed tasks (SetTasks "complete" completes it).
    out.service_status = engine::ServiceStatus{0, replicas, 0};
    for (const engine::Task& task : TasksOf(stored)) {
      out.service_status->running_tasks += task.status.state == "running" ? 1 : 0;
      out.service_status->completed_tasks += task.status.state == "complete" ? 1 : 0;
    }
  }
  auto update = update_status_.find(spec.name);
  if (update != update_status_.end()) out.update_status = update->second;
  return out;
}

Status FakeEngine::CheckReferences(engine::ServiceSpec& spec) const {
  for (auto& attachment : spec.task_template.networks) {
    const engine::Network* found = nullptr;
    for (const auto& [id, network] : networks_) {
      if (id == attachment.target || network.name == attachment.target) found = &network;
    }
    if (found == nullptr) return NotFoundError("network " + attachment.target + " not found");
    attachment.target = found->id;  // the engine stores IDs
  }
  for (const auto& ref : spec.task_template.container_spec.configs) {
    auto it = configs_.find(ref.config_id);
    if (it == configs_.end() || it->second.spec.name != ref.config_name) {
      return InvalidArgumentError("config reference " + ref.config_id + "/" + ref.config_name +
                                  " is invalid");
    }
  }
  for (const auto& ref : spec.task_template.container_spec.secrets) {
    auto it = secrets_.find(ref.secret_id);
    if (it == secrets_.end() || it->second.spec.name != ref.secret_name) {
      return InvalidArgumentError("secret reference " + ref.secret_id + "/" + ref.secret_name +
                                  " is invalid");
    }
  }
  return Status::Ok();
}

std::vector<engine::Task> FakeEngine::TasksOf(const engine::Service& service) const {
  auto it = tasks_override_.find(service.spec.name);
  if (it != tasks_override_.end()) return it->second;
  std::vector<engine::Task> out;
  uint64_t replicas =
      service.spec.mode.kind == engine::ServiceMode::Kind::kReplicated ? service.spec.mode.replicas : 1;
  for (uint64_t slot = 1; slot <= replicas; ++slot) {
    engine::Task task;
    task.id = "task-" + service.id + "-" + std::to_string(slot) + "-v" + std::to_string(service.version);
    task.service_id = service.id;
    task.slot = slot;
    task.desired_state = "running";
    task.status.state = converged_ ? "running" : "pending";
    if (converged_ && !nodes_.empty()) task.node_id = nodes_.begin()->first;
    out.push_back(task);
  }
  return out;
}

// ----------------------------------------------------------------------------------------------- system
Status FakeEngine::Ping() {
  return Faulty("ping", [] { return Status::Ok(); });
}

StatusOr<engine::SystemInfo> FakeEngine::Info() {
  return Faulty("info", [this]() -> StatusOr<engine::SystemInfo> {
    engine::SystemInfo info;
    info.name = "fake";
    info.server_version = "20.10.24";
    info.swarm_state = "active";
    info.control_available = true;
    info.nodes = static_cast<int64_t>(nodes_.size());
    return info;
  });
}

StatusOr<engine::VersionInfo> FakeEngine::Version() {
  return Faulty("version", []() -> StatusOr<engine::VersionInfo> {
    return engine::VersionInfo{"20.10.24", "1.41", "1.12", "linux", "amd64", "fake"};
  });
}

// --------------------------------------------------------------------------------------------- services
StatusOr<std::vector<engine::Service>> FakeEngine::ListServices(const engine::ListFilter& filter) {
  return Faulty("list services", [&]() -> StatusOr<std::vector<engine::Service>> {
    std::vector<engine::Service> out;
    for (const auto& [id, stored] : services_) {
      if (Matches(filter, stored.service.spec.name, stored.service.spec.labels)) {
        out.push_back(ReadView(stored.service));
      }
    }
    return out;
  });
}

StatusOr<engine::Service> FakeEngine::InspectService(const std::string& id_or_name) {
  return Faulty("inspect service", [&]() -> StatusOr<engine::Service> {
    StoredService* stored = FindStoredService(id_or_name);
    if (stored == nullptr) return NotFoundError("service " + id_or_name + " not found");
    return ReadView(stored->service);
  });
}

StatusOr<std::string> FakeEngine::CreateServiceLocked(const engine::ServiceSpec& spec) {
  if (FindStoredService(spec.name) != nullptr) {
    return ConflictError("rpc error: code = AlreadyExists desc = name conflicts with an existing object");
  }
  engine::ServiceSpec stored_spec = spec;
  SWARMOP_RETURN_IF_ERROR(CheckReferences(stored_spec));
  stored_spec.raw_spec.clear();
  StoredService stored;
  stored.service.id = NewId("svc");
  stored.service.version = NextIndex();
  stored.service.spec = stored_spec;
  services_[stored.service.id] = stored;
  return stored.service.id;
}

StatusOr<std::string> FakeEngine::CreateService(const engine::ServiceSpec& spec) {
  return Faulty("create service", [&]() -> StatusOr<std::string> {
    auto id = CreateServiceLocked(spec);
    if (id.ok()) Log("create service " + spec.name);
    return id;
  });
}

Status FakeEngine::UpdateServiceLocked(const std::string& id, uint64_t version,
                                       const engine::ServiceSpec& spec) {
  StoredService* stored = FindStoredService(id);
  if (stored == nullptr) return NotFoundError("service " + id + " not found");
  if (stored->service.version != version) {
    return AbortedError("rpc error: code = Unknown desc = update out of sequence");
  }
  if (spec.name != stored->service.spec.name) return NotSupportedError("renaming services is not supported");
  if (spec.mode.kind != stored->service.spec.mode.kind)
    return NotSupportedError("service mode change is not allowed");
  engine::ServiceSpec stored_spec = spec;
  SWARMOP_RETURN_IF_ERROR(CheckReferences(stored_spec));
  stored->last_update_raw_spec = spec.raw_spec;
  stored_spec.raw_spec.clear();
  stored->service.spec = stored_spec;
  stored->service.version = NextIndex();
  return Status::Ok();
}

Status FakeEngine::UpdateService(const std::string& id, uint64_t version, const engine::ServiceSpec& spec) {
  return Faulty("update service", [&]() -> Status {
    Status status = UpdateServiceLocked(id, version, spec);
    if (status.ok()) Log("update service " + spec.name);
    return status;
  });
}

Status FakeEngine::RemoveServiceLocked(const std::string& id_or_name) {
  StoredService* stored = FindStoredService(id_or_name);
  if (stored == nullptr) return NotFoundError("service " + id_or_name + " not found");
  std::string name = stored->service.spec.name;
  services_.erase(stored->service.id);
  Log("remove service " + name);
  return Status::Ok();
}

Status FakeEngine::RemoveService(const std::string& id_or_name) {
  return Faulty("remove service", [&] { return RemoveServiceLocked(id_or_name); });
}

StatusOr<std::vector<engine::Task>> FakeEngine::ListTasks(const engine::TaskFilter& filter) {
  return Faulty("list tasks", [&]() -> StatusOr<std::vector<engine::Task>> {
    std::vector<engine::Task> out;
    for (const auto& [id, stored] : services_) {
      const engine::Service& service = stored.service;
      if (filter.service && *filter.service != service.id && *filter.service != service.spec.name) continue;
      for (auto& task : TasksOf(service)) {
        if (filter.desired_state && task.desired_state != *filter.desired_state) continue;
        out.push_back(task);
      }
    }
    return out;
  });
}

// ------------------------------------------------------------------------------------------------ nodes
StatusOr<std::vector<engine::Node>> FakeEngine::ListNodes(const engine::ListFilter& filter) {
  return Faulty("list nodes", [&]() -> StatusOr<std::vector<engine::Node>> {
    std::vector<engine::Node> out;
    for (const auto& [id, node] : nodes_) {
      if (Matches(filter, node.hostname, node.spec.labels)) out.push_back(node);
    }
    return out;
  });
}

StatusOr<engine::Node> FakeEngine::InspectNode(const std::string& id_or_name) {
  return Faulty("inspect node", [&]() -> StatusOr<engine::Node> {
    for (const auto& [id, node] : nodes_) {
      if (id == id_or_name || node.hostname == id_or_name) return node;
    }
    return NotFoundError("node " + id_or_name + " not found");
  });
}

Status FakeEngine::UpdateNode(const std::string& id, uint64_t version, const engine::NodeSpec& spec) {
  return Faulty("update node", [&]() -> Status {
    auto it = nodes_.find(id);
    if (it == nodes_.end()) return NotFoundError("node " + id + " not found");
    if (it->second.version != version) return AbortedError("update out of sequence");
    it->second.spec = spec;
    it->second.version = NextIndex();
    Log("update node " + id);
    return Status::Ok();
  });
}

}  // namespace swarmop::testing
