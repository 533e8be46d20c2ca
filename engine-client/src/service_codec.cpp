// Services: the biggest model, so it has its own codec file. Encoders omit cleared fields (see
// spec_merge.h for why absence matters).
#include "json_codec.h"

namespace swarmop::engine {
namespace {

void PutString(Json& out, const char* key, const std::string& value) {
  if (!value.empty()) out[key] = value;
}
void PutList(Json& out, const char* key, const std::vector<std::string>& value) {
  if (!value.empty()) out[key] = value;
}
void PutMap(Json& out, const char* key, const Labels& value) {
  if (!value.empty()) out[key] = value;
}
template <typename Int>
void PutNonZero(Json& out, const char* key, Int value) {
  if (value != 0) out[key] = value;
}

FileTarget DecodeFile(const Json& json) {
  FileTarget file;
  file.name = GetString(json, "Name");
  file.uid = GetString(json, "UID");
  file.gid = GetString(json, "GID");
  file.mode = static_cast<uint32_t>(GetUint(json, "Mode"));
  return file;
}

Json EncodeFile(const FileTarget& file) {
  return Json{{"Name", file.name}, {"UID", file.uid}, {"GID", file.gid}, {"Mode", file.mode}};
}

Json EncodeUpdatePolicy(const UpdatePolicy& policy) {
  Json out = Json::object();
  out["Parallelism"] = policy.parallelism;
  PutNonZero(out, "Delay", policy.delay_ns);
  PutString(out, "FailureAction", policy.failure_action);
  PutNonZero(out, "Monitor", policy.monitor_ns);
  if (policy.max_failure_ratio != 0) out["MaxFailureRatio"] = policy.max_failure_ratio;
  PutString(out, "Order", policy.order);
  return out;
}

UpdatePolicy DecodeUpdatePolicy(const Json& json) {
  UpdatePolicy policy;
  policy.parallelism = GetUint(json, "Parallelism");
  policy.delay_ns = GetInt(json, "Delay");
  policy.failure_action = GetString(json, "FailureAction");
  policy.monitor_ns = GetInt(json, "Monitor");
  const Json& ratio = GetObject(json, "MaxFailureRatio");
  policy.max_failure_ratio = ratio.is_number() ? ratio.get<double>() : 0;
  policy.order = GetString(json, "Order");
  return policy;
}

Json EncodeResources(const ResourceAmounts& amounts) {
  Json out = Json::object();
  PutNonZero(out, "NanoCPUs", amounts.nano_cpus);
  PutNonZero(out, "MemoryBytes", amounts.memory_bytes);
  return out;
}

ResourceAmounts DecodeResources(const Json& json) {
  return ResourceAmounts{GetInt(json, "NanoCPUs"), GetInt(json, "MemoryBytes")};
}

Json EncodeMount(const Mount& mount) {
  Json out = Json::object();
  PutString(out, "Type", mount.type);
  PutString(out, "Source", mount.source);
  out["Target"] = mount.target;
  if (mount.read_only) out["ReadOnly"] = true;
  Json volume = Json::object();
  PutMap(volume, "Labels", mount.volume_labels);
  if (!mount.volume_driver.empty() || !mount.volume_driver_options.empty()) {
    Json driver = Json::object();
    PutString(driver, "Name", mount.volume_driver);
    PutMap(driver, "Options", mount.volume_driver_options);
    volume["DriverConfig"] = driver;
  }
  if (!volume.empty()) out["VolumeOptions"] = volume;
  Json tmpfs = Json::object();
  PutNonZero(tmpfs, "SizeBytes", mount.tmpfs_size_bytes);
  PutNonZero(tmpfs, "Mode", mount.tmpfs_mode);
  if (!tmpfs.empty()) out["TmpfsOptions"] = tmpfs;
  return out;
}

Mount DecodeMount(const Json& json) {
  Mount mount;
  mount.type = GetString(json, "Type");
  mount.source = GetString(json, "Source");
  mount.target = GetString(json, "Target");
  mount.read_only = GetBool(json, "ReadOnly");
  const Json& volume = GetObject(json, "VolumeOptions");
  mount.volume_labels = GetStringMap(volume, "Labels");
  const Json& driver = GetObject(volume, "DriverConfig");
  mount.volume_driver = GetString(driver, "Name");
  mount.volume_driver_options = GetStringMap(driver, "Options");
  const Json& tmpfs = GetObject(json, "TmpfsOptions");
  mount.tmpfs_size_bytes = GetInt(tmpfs, "SizeBytes");
  mount.tmpfs_mode = static_cast<uint32_t>(GetUint(tmpfs, "Mode"));
  return mount;
}

Json EncodeContainerSpec(const ContainerSpec& spec) {
  Json out = Json::object();
  out["Image"] = spec.image;
  PutList(out, "Command", spec.command);
  PutList(out, "Args", spec.args);
  PutList(out, "Env", spec.env);
  PutMap(out, "Labels", spec.labels);
  if (spec.healthcheck) {
    const HealthCheck& check = *spec.healthcheck;
    Json health = Json::object();
    PutList(health, "Test", check.test);
    PutNonZero(health, "Interval", check.interval_ns);
    PutNonZero(health, "Timeout", check.timeout_ns);
    PutNonZero(health, "StartPeriod", check.start_period_ns);
    PutNonZero(health, "Retries", check.retries);
    out["Healthcheck"] = health;
  }
  if (!spec.configs.empty()) {
    Json configs = Json::array();
    for (const auto& ref : spec.configs) {
      configs.push_back(
          {{"ConfigID", ref.config_id}, {"ConfigName", ref.config_name}, {"File", EncodeFile(ref.file)}});
    }
    out["Configs"] = configs;
  }
  if (!spec.secrets.empty()) {
    Json secrets = Json::array();
    for (const auto& ref : spec.secrets) {
      secrets.push_back(
          {{"SecretID", ref.secret_id}, {"SecretName", ref.secret_name}, {"File", EncodeFile(ref.file)}});
    }
    out["Secrets"] = secrets;
  }
  if (!spec.mounts.empty()) {
    Json mounts = Json::array();
    for (const auto& mount : spec.mounts) mounts.push_back(EncodeMount(mount));
    out["Mounts"] = mounts;
  }
  return out;
}

ContainerSpec DecodeContainerSpec(const Json& json) {
  ContainerSpec spec;
  spec.image = GetString(json, "Image");
  spec.command = GetStringList(json, "Command");
  spec.args = GetStringList(json, "Args");
  spec.env = GetStringList(json, "Env");
  spec.labels = GetStringMap(json, "Labels");
  const Json& health = GetObject(json, "Healthcheck");
  if (health.is_object()) {
    HealthCheck check;
    check.test = GetStringList(health, "Test");
    check.interval_ns = GetInt(health, "Interval");
    check.timeout_ns = GetInt(health, "Timeout");
    check.start_period_ns = GetInt(health, "StartPeriod");
    check.retries = GetInt(health, "Retries");
    spec.healthcheck = check;
  }
  const Json& configs = GetObject(json, "Configs");
  if (configs.is_array()) {
    for (const Json& ref : configs) {
      if (!GetObject(ref, "File").is_object())
        continue;  // Runtime references (credential specs) are not modelled
      spec.configs.push_back(
          ConfigReference{GetString(ref, "ConfigID"), GetString(ref, "ConfigName"), DecodeFile(ref["File"])});
    }
  }
  const Json& secrets = GetObject(json, "Secrets");
  if (secrets.is_array()) {
    for (const Json& ref : secrets) {
      spec.secrets.push_back(SecretReference{GetString(ref, "SecretID"), GetString(ref, "SecretName"),
                                             DecodeFile(GetObject(ref, "File"))});
    }
  }
  const Json& mounts = GetObject(json, "Mounts");
  if (mounts.is_array()) {
    for (const Json& mount : mounts) spec.mounts.push_back(DecodeMount(mount));
  }
  return spec;
}

Json EncodeNetworks(const std::vector<NetworkAttachment>& networks) {
  Json out = Json::array();
  for (const auto& network : networks) {
    Json entry = {{"Target", network.target}};
    PutList(entry, "Aliases", network.aliases);
    out.push_back(entry);
  }
  return out;
}

std::vector<NetworkAttachment> DecodeNetworks(const Json& json) {
  std::vector<NetworkAttachment> networks;
  if (!json.is_array()) return networks;
  for (const Json& entry : json) {
    networks.push_back(NetworkAttachment{GetString(entry, "Target"), GetStringList(entry, "Aliases")});
  }
  return networks;
}

Json EncodeTaskTemplate(const TaskTemplate& task) {
  Json out = Json::object();
  out["ContainerSpec"] = EncodeContainerSpec(task.container_spec);
  Json resources = Json::object();
  Json limits = EncodeResources(task.resources.limits);
  Json reservations = EncodeResources(task.resources.reservations);
  if (!limits.empty()) resources["Limits"] = limits;
  if (!reservations.empty()) resources["Reservations"] = reservations;
  out["Resources"] = resources;
  if (task.restart_policy) {
    Json restart = Json::object();
    PutString(restart, "Condition", task.restart_policy->condition);
    PutNonZero(restart, "Delay", task.restart_policy->delay_ns);
    PutNonZero(restart, "MaxAttempts", task.restart_policy->max_attempts);
    PutNonZero(restart, "Window", task.restart_policy->window_ns);
    out["RestartPolicy"] = restart;
  }
  Json placement = Json::object();
  PutList(placement, "Constraints", task.placement.constraints);
  if (!task.placement.spread.empty()) {
    Json preferences = Json::array();
    for (const auto& descriptor : task.placement.spread) {
      preferences.push_back({{"Spread", {{"SpreadDescriptor", descriptor}}}});
    }
    placement["Preferences"] = preferences;
  }
  PutNonZero(placement, "MaxReplicas", task.placement.max_replicas);
  out["Placement"] = placement;
  if (!task.networks.empty()) out["Networks"] = EncodeNetworks(task.networks);
  if (task.log_driver) {
    Json driver = Json::object();
    driver["Name"] = task.log_driver->name;
    PutMap(driver, "Options", task.log_driver->options);
    out["LogDriver"] = driver;
  }
  PutNonZero(out, "ForceUpdate", task.force_update);
  return out;
}

TaskTemplate DecodeTaskTemplate(const Json& json) {
  TaskTemplate task;
  task.container_spec = DecodeContainerSpec(GetObject(json, "ContainerSpec"));
  const Json& resources = GetObject(json, "Resources");
  task.resources.limits = DecodeResources(GetObject(resources, "Limits"));
  task.resources.reservations = DecodeResources(GetObject(resources, "Reservations"));
  const Json& restart = GetObject(json, "RestartPolicy");
  if (restart.is_object()) {
    task.restart_policy = RestartPolicy{GetString(restart, "Condition"), GetInt(restart, "Delay"),
                                        GetUint(restart, "MaxAttempts"), GetInt(restart, "Window")};
  }
  const Json& placement = GetObject(json, "Placement");
  task.placement.constraints = GetStringList(placement, "Constraints");
  const Json& preferences = GetObject(placement, "Preferences");
  if (preferences.is_array()) {
    for (const Json& preference : preferences) {
      std::string descriptor = GetString(GetObject(preference, "Spread"), "SpreadDescriptor");
      if (!descriptor.empty()) task.placement.spread.push_back(descriptor);
    }
  }
  task.placement.max_replicas = GetUint(placement, "MaxReplicas");
  task.networks = DecodeNetworks(GetObject(json, "Networks"));
  const Json& driver = GetObject(json, "LogDriver");
  if (driver.is_object())
    task.log_driver = LogDriver{GetString(driver, "Name"), GetStringMap(driver, "Options")};
  task.force_update = GetUint(json, "ForceUpdate");
  return task;
}

Json EncodeMode(const ServiceMode& mode) {
  switch (mode.kind) {
    case ServiceMode::Kind::kGlobal:
      return {{"Global", Json::object()}};
    case ServiceMode::Kind::kGlobalJob:
      return {{"GlobalJob", Json::object()}};
    case ServiceMode::Kind::kReplicatedJob: {
      Json job = Json::object();
      PutNonZero(job, "MaxConcurrent", mode.max_concurrent);
      PutNonZero(job, "TotalCompletions", mode.total_completions);
      return {{"ReplicatedJob", job}};
    }
    case ServiceMode::Kind::kReplicated:
      break;
  }
  return {{"Replicated", {{"Replicas", mode.replicas}}}};
}

ServiceMode DecodeMode(const Json& json) {
  ServiceMode mode;
  if (GetObject(json, "Global").is_object()) {
    mode.kind = ServiceMode::Kind::kGlobal;
  } else if (GetObject(json, "GlobalJob").is_object()) {
    mode.kind = ServiceMode::Kind::kGlobalJob;
  } else if (GetObject(json, "ReplicatedJob").is_object()) {
    mode.kind = ServiceMode::Kind::kReplicatedJob;
    mode.max_concurrent = GetUint(json["ReplicatedJob"], "MaxConcurrent");
    mode.total_completions = GetUint(json["ReplicatedJob"], "TotalCompletions");
  } else {
    mode.kind = ServiceMode::Kind::kReplicated;
    mode.replicas = GetUint(GetObject(json, "Replicated"), "Replicas");
  }
  return mode;
}

}  // namespace

Json EncodeServiceSpec(const ServiceSpec& spec) {
  Json out = Json::object();
  out["Name"] = spec.name;
  PutMap(out, "Labels", spec.labels);
  out["TaskTemplate"] = EncodeTaskTemplate(spec.task_template);
  out["Mode"] = EncodeMode(spec.mode);
  if (spec.update_config) out["UpdateConfig"] = EncodeUpdatePolicy(*spec.update_config);
  if (spec.rollback_config) out["RollbackConfig"] = EncodeUpdatePolicy(*spec.rollback_config);
  if (spec.endpoint_spec) {
    Json endpoint = Json::object();
    PutString(endpoint, "Mode", spec.endpoint_spec->mode);
    if (!spec.endpoint_spec->ports.empty()) {
      Json ports = Json::array();
      for (const auto& port : spec.endpoint_spec->ports) {
        Json entry = Json::object();
        PutString(entry, "Name", port.name);
        PutString(entry, "Protocol", port.protocol);
        entry["TargetPort"] = port.target_port;
        PutNonZero(entry, "PublishedPort", port.published_port);
        PutString(entry, "PublishMode", port.publish_mode);
        ports.push_back(entry);
      }
      endpoint["Ports"] = ports;
    }
    out["EndpointSpec"] = endpoint;
  }
  return out;
}

ServiceSpec DecodeServiceSpec(const Json& json, SpecText spec_text) {
  ServiceSpec spec;
  spec.name = GetString(json, "Name");
  spec.labels = GetStringMap(json, "Labels");
  spec.task_template = DecodeTaskTemplate(GetObject(json, "TaskTemplate"));
  spec.mode = DecodeMode(GetObject(json, "Mode"));
  if (GetObject(json, "UpdateConfig").is_object())
    spec.update_config = DecodeUpdatePolicy(json["UpdateConfig"]);
  if (GetObject(json, "RollbackConfig").is_object()) {
    spec.rollback_config = DecodeUpdatePolicy(json["RollbackConfig"]);
  }
  const Json& endpoint = GetObject(json, "EndpointSpec");
  if (endpoint.is_object()) {
    EndpointSpec out;
    out.mode = GetString(endpoint, "Mode");
    const Json& ports = GetObject(endpoint, "Ports");
    if (ports.is_array()) {
      for (const Json& port : ports) {
        PortConfig config;
        config.name = GetString(port, "Name");
        config.protocol = GetString(port, "Protocol");
        config.target_port = static_cast<uint32_t>(GetUint(port, "TargetPort"));
        config.published_port = static_cast<uint32_t>(GetUint(port, "PublishedPort"));
        config.publish_mode = GetString(port, "PublishMode");
        out.ports.push_back(config);
      }
    }
    spec.endpoint_spec = out;
  }
  spec.raw_spec = RawSpec(json, spec_text);
  return spec;
}

Service DecodeService(const Json& json, SpecText spec_text) {
  Service service;
  service.id = GetString(json, "ID");
  service.version = GetUint(GetObject(json, "Version"), "Index");
  service.created_at = GetString(json, "CreatedAt");
  service.updated_at = GetString(json, "UpdatedAt");
  service.spec = DecodeServiceSpec(GetObject(json, "Spec"), spec_text);
  const Json& status = GetObject(json, "ServiceStatus");
  if (status.is_object()) {
    service.service_status = ServiceStatus{GetUint(status, "RunningTasks"), GetUint(status, "DesiredTasks"),
                                           GetUint(status, "CompletedTasks")};
  }
  const Json& update = GetObject(json, "UpdateStatus");
  if (update.is_object())
    service.update_status = UpdateStatus{GetString(update, "State"), GetString(update, "Message")};
  service.job_iteration = GetUint(GetObject(GetObject(json, "JobStatus"), "JobIteration"), "Index");
  return service;
}

}  // namespace swarmop::engine
