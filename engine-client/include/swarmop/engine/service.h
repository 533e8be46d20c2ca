// Service model: the parts of a Swarm service spec the operator reasons about, as plain structs.
//
// Ownership rule for updates: every field modelled here is owned by the struct. Clearing it (empty string,
// empty list, nullopt) removes it from the engine's spec on update. Fields the model does not know are kept:
// `raw_spec` holds the Spec JSON exactly as read, and UpdateService merges the typed fields over it.
// Durations are nanoseconds, as in the Engine API.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace swarmop::engine {

using Labels = std::map<std::string, std::string>;

struct ServiceMode {
  enum class Kind { kReplicated, kGlobal, kReplicatedJob, kGlobalJob };
  Kind kind = Kind::kReplicated;
  uint64_t replicas = 1;           // kReplicated
  uint64_t max_concurrent = 0;     // kReplicatedJob; 0 = engine default
  uint64_t total_completions = 0;  // kReplicatedJob; 0 = engine default
  bool operator==(const ServiceMode&) const = default;
};

struct HealthCheck {
  std::vector<std::string> test;  // {"CMD-SHELL", "wget -q -O- localhost:8080"}; {"NONE"} disables
  int64_t interval_ns = 0;
  int64_t timeout_ns = 0;
  int64_t start_period_ns = 0;
  int64_t retries = 0;
  bool operator==(const HealthCheck&) const = default;
};

// Where a config or secret appears in the container.
struct FileTarget {
  std::string name;  // path inside the container (relative: under /run/secrets or /)
  std::string uid = "0";
  std::string gid = "0";
  uint32_t mode = 0444;
  bool operator==(const FileTarget&) const = default;
};

struct ConfigReference {
  std::string config_id;  // both ID and name are mandatory and must match
  std::string config_name;
  FileTarget file;
  bool operator==(const ConfigReference&) const = default;
};

struct SecretReference {
  std::string secret_id;
  std::string secret_name;
  FileTarget file;
  bool operator==(const SecretReference&) const = default;
};

struct Mount {
  std::string type = "volume";  // volume | bind | tmpfs
  std::string source;           // volume name or host path; empty for tmpfs / anonymous volume
  std::string target;
  bool read_only = false;
  Labels volume_labels;          // VolumeOptions.Labels
  std::string volume_driver;     // VolumeOptions.DriverConfig.Name
  Labels volume_driver_options;  // VolumeOptions.DriverConfig.Options
  int64_t tmpfs_size_bytes = 0;  // TmpfsOptions.SizeBytes; 0 = unset (the engine's default)
  uint32_t tmpfs_mode = 0;       // TmpfsOptions.Mode; 0 = unset (1777)
  bool operator==(const Mount&) const = default;
};

struct ContainerSpec {
  std::string image;
  std::vector<std::string> command;
  std::vector<std::string> args;
  std::vector<std::string> env;  // "K=V"
  Labels labels;
  std::optional<HealthCheck> healthcheck;
  std::vector<ConfigReference> configs;
  std::vector<SecretReference> secrets;
  std::vector<Mount> mounts;
  bool operator==(const ContainerSpec&) const = default;
};

struct ResourceAmounts {
  int64_t nano_cpus = 0;     // 1e9 = one CPU; 0 = unset
  int64_t memory_bytes = 0;  // 0 = unset
  bool operator==(const ResourceAmounts&) const = default;
};

struct Resources {
  ResourceAmounts limits;
  ResourceAmounts reservations;
  bool operator==(const Resources&) const = default;
};

struct Placement {
  std::vector<std::string> constraints;  // "node.labels.site==douala"
  std::vector<std::string> spread;       // Preferences[].Spread.SpreadDescriptor, in order
  uint64_t max_replicas = 0;             // per node; 0 = unlimited
  bool operator==(const Placement&) const = default;
};

struct RestartPolicy {
  std::string condition;  // none | on-failure | any; empty = engine default
  int64_t delay_ns = 0;
  uint64_t max_attempts = 0;
  int64_t window_ns = 0;
  bool operator==(const RestartPolicy&) const = default;
};

// UpdateConfig and RollbackConfig share this shape.
struct UpdatePolicy {
  uint64_t parallelism = 1;
  int64_t delay_ns = 0;
  std::string failure_action;  // continue | pause | rollback; empty = engine default
  int64_t monitor_ns = 0;
  double max_failure_ratio = 0;
  std::string order;  // stop-first | start-first; empty = engine default
  bool operator==(const UpdatePolicy&) const = default;
};

struct NetworkAttachment {
  std::string target;  // network name or ID (the engine reports the ID)
  std::vector<std::string> aliases;
  bool operator==(const NetworkAttachment&) const = default;
};

struct PortConfig {
  std::string name;
  std::string protocol = "tcp";  // tcp | udp | sctp
  uint32_t target_port = 0;
  uint32_t published_port = 0;           // 0 = engine picks one
  std::string publish_mode = "ingress";  // ingress | host
  bool operator==(const PortConfig&) const = default;
};

struct EndpointSpec {
  std::string mode;  // vip | dnsrr; empty = engine default (vip)
  std::vector<PortConfig> ports;
  bool operator==(const EndpointSpec&) const = default;
};

// TaskTemplate.LogDriver: the tasks' Docker log driver; unset = the engine's default driver.
struct LogDriver {
  std::string name;  // "gelf", "json-file", ...
  Labels options;    // driver options, all strings ("gelf-address": "udp://127.0.0.1:12201")
  bool operator==(const LogDriver&) const = default;
};

struct TaskTemplate {
  ContainerSpec container_spec;
  Resources resources;
  std::optional<RestartPolicy> restart_policy;
  Placement placement;
  std::vector<NetworkAttachment> networks;
  std::optional<LogDriver> log_driver;
  uint64_t force_update = 0;  // a counter: incrementing it redeploys every task
  bool operator==(const TaskTemplate&) const = default;
};

struct ServiceSpec {
  std::string name;
  Labels labels;
  TaskTemplate task_template;
  ServiceMode mode;
  std::optional<UpdatePolicy> update_config;
  std::optional<UpdatePolicy> rollback_config;
  std::optional<EndpointSpec> endpoint_spec;

  // The Spec JSON exactly as the engine returned it; empty for specs built by hand. Opaque to callers:
  // it only carries fields this model does not know through an update. Excluded from operator==.
  std::string raw_spec;

  bool operator==(const ServiceSpec& o) const {
    return name == o.name && labels == o.labels && task_template == o.task_template && mode == o.mode &&
           update_config == o.update_config && rollback_config == o.rollback_config &&
           endpoint_spec == o.endpoint_spec;
  }
};

struct ServiceStatus {
  uint64_t running_tasks = 0;
  uint64_t desired_tasks = 0;
  uint64_t completed_tasks = 0;
};

struct UpdateStatus {
  std::string
      state;  // updating | paused | completed | rollback_started | rollback_paused | rollback_completed
  std::string message;
};

struct Service {
  std::string id;
  uint64_t version = 0;  // Version.Index: pass it back to UpdateService
  std::string created_at;
  std::string updated_at;
  ServiceSpec spec;
  std::optional<ServiceStatus> service_status;  // filled by ListServices (status=true)
  std::optional<UpdateStatus> update_status;
  uint64_t job_iteration = 0;  // JobStatus.JobIteration.Index for job modes
};

}  // namespace swarmop::engine
