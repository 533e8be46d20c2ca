// One Service at one Site -> one Swarm service spec (plus its content-addressed configs).
#include <algorithm>
#include <chrono>

#include "render_internal.h"
#include "swarmop/crds/naming.h"

namespace swarmop::reconciler::internal {
namespace {

int64_t Ns(crds::Duration duration) { return static_cast<int64_t>(duration.count()); }

std::vector<std::string> Constraints(const crds::Service& service, const crds::Site& site) {
  std::vector<std::string> out;
  for (const auto& [key, value] : site.spec.node_selector) out.push_back("node.labels." + key + "==" + value);
  const auto& at_site = service.spec.sites.at(site.name());
  out.insert(out.end(), at_site.constraints.begin(), at_site.constraints.end());
  for (const auto& constraint : service.spec.placement.constraints) {
    if (std::find(out.begin(), out.end(), constraint) == out.end()) out.push_back(constraint);
  }
  return out;
}

std::optional<engine::HealthCheck> HealthCheckOf(const crds::ServiceSpec& spec) {
  if (!spec.healthcheck) return std::nullopt;
  const crds::HealthCheck& check = *spec.healthcheck;
  engine::HealthCheck out;
  if (!check.http_path.empty()) {
    // busybox and alpine images have wget, few have curl.
    out.test = {"CMD-SHELL", "wget -q -O /dev/null http://localhost:" + std::to_string(check.port) +
                                 check.http_path + " || exit 1"};
  } else {
    out.test = {"CMD"};
    out.test.insert(out.test.end(), check.command.begin(), check.command.end());
  }
  out.interval_ns = Ns(check.interval);
  out.timeout_ns = Ns(check.timeout);
  out.start_period_ns = Ns(check.start_period);
  out.retries = check.retries;
  return out;
}

engine::UpdatePolicy PolicyOf(const crds::UpdatePolicy& policy) {
  engine::UpdatePolicy out;
  out.parallelism = static_cast<uint64_t>(policy.parallelism);
  out.delay_ns = Ns(policy.delay);
  out.monitor_ns = Ns(policy.monitor);
  out.max_failure_ratio = policy.max_failure_ratio;
  out.order = policy.order == crds::UpdateOrder::kStartFirst ? "start-first" : "stop-first";
  switch (policy.failure_action) {
    case crds::FailureAction::kPause:
      out.failure_action = "pause";
      break;
    case crds::FailureAction::kContinue:
      out.failure_action = "continue";
      break;
    case crds::FailureAction::kRollback:
      out.failure_action = "rollback";
      break;
  }
  return out;
}

engine::RestartPolicy RestartOf(const crds::RestartPolicy& policy) {
  engine::RestartPolicy out;
  switch (policy.condition) {
    case crds::RestartCondition::kNone:
      out.condition = "none";
      break;
    case crds::RestartCondition::kOnFailure:
      out.condition = "on-failure";
      break;
    case crds::RestartCondition::kAny:
      out.condition = "any";
      break;
  }
  out.delay_ns = Ns(policy.delay);
  out.max_attempts = static_cast<uint64_t>(policy.max_attempts);
  out.window_ns = Ns(policy.window);
  return out;
}

engine::EndpointSpec EndpointOf(const crds::ServiceSpec& spec, bool ports_in_host_mode) {
  engine::EndpointSpec out;
  if (spec.endpoint_mode == crds::EndpointMode::kDnsrr) out.mode = "dnsrr";  // vip: the engine's default
  for (const auto& port : spec.ports) {
    engine::PortConfig config;
    config.protocol = port.protocol == crds::Protocol::kUdp ? "udp" : "tcp";
    config.target_port = static_cast<uint32_t>(port.target);
    config.published_port = static_cast<uint32_t>(port.published != 0 ? port.published : port.target);
    bool host = port.mode == crds::PublishMode::kHost || ports_in_host_mode;
    config.publish_mode = host ? "host" : "ingress";
    out.ports.push_back(config);
  }
  return out;
}

engine::Resources ResourcesOf(const crds::Resources& resources) {
  engine::Resources out;
  out.limits.nano_cpus = resources.limits.nano_cpus.value_or(0);
  out.limits.memory_bytes = resources.limits.memory_bytes.value_or(0);
  out.reservations.nano_cpus = resources.reservations.nano_cpus.value_or(0);
  out.reservations.memory_bytes = resources.reservations.memory_bytes.value_or(0);
  return out;
}

std::string BaseName(const std::string& path) {
  auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

engine::FileTarget ReadOnlyFile(const std::string& name) {
  engine::FileTarget file;
  file.name = name;
  return file;  // uid/gid 0, mode 0444: the engine's defaults
}

// Adds the config references of `service` to `container`, and the configs with inline content to `out`.
void RenderConfigs(const crds::Service& service, engine::ContainerSpec& container, RenderedState& out) {
  Owner owner{"Service", service.name()};
  for (const auto& file : service.spec.configs) {
    std::string config_name = file.from.value_or("");
    if (file.content) {
      std::string logical = file.name.empty() ? BaseName(file.target) : file.name;
      config_name = AddContentConfig(owner, logical, *file.content, out);
    }
    container.configs.push_back(engine::ConfigReference{"", config_name, ReadOnlyFile(file.target)});
  }
  for (const auto& secret : service.spec.secrets) {
    std::string target = secret.target.empty() ? secret.name : secret.target;
    container.secrets.push_back(engine::SecretReference{"", secret.name, ReadOnlyFile(target)});
  }
}

std::vector<engine::Mount> MountsOf(const crds::ServiceSpec& spec) {
  std::vector<engine::Mount> out;
  for (const auto& volume : spec.volumes) {
    engine::Mount mount;
    mount.target = volume.target;
    if (volume.type == crds::VolumeMount::Type::kTmpfs) {
      mount.type = "tmpfs";
      mount.tmpfs_size_bytes = volume.size_bytes.value_or(0);
    } else {
      mount.type = "volume";
      mount.source = volume.source;
      mount.read_only = volume.read_only;
    }
    out.push_back(std::move(mount));
  }
  return out;
}

engine::ContainerSpec ContainerOf(const crds::ServiceSpec& spec) {
  engine::ContainerSpec out;
  out.image = spec.image;
  out.command = spec.command;
  out.args = spec.args;
  for (const auto& [key, value] : spec.env) out.env.push_back(key + "=" + value);  // sorted: a std::map
  out.healthcheck = HealthCheckOf(spec);
  out.mounts = MountsOf(spec);
  return out;
}

std::vector<engine::NetworkAttachment> NetworksOf(const crds::Service& service, const crds::Site& site) {
  std::vector<engine::NetworkAttachment> out;
  out.push_back({SiteNetworkName(site.name()), {}});
  if (!site.spec.engine) out.push_back({kEstateNetworkName, {}});
  for (const auto& name : service.spec.networks) {
    bool present = std::any_of(out.begin(), out.end(), [&](const auto& n) { return n.target == name; });
    if (!present) out.push_back({name, {}});
  }
  return out;
}

}  // namespace

Status RenderServiceAtSite(const crds::Service& service, const crds::Site& site, bool ports_in_host_mode,
                           RenderedState& out) {
  const crds::ServiceSpec& spec = service.spec;
  DesiredService rendered;
  rendered.owner = Owner{"Service", service.name()};
  rendered.site = site.name();
  rendered.target = TargetOf(site);
  rendered.depends_on = spec.depends_on;

  engine::ServiceSpec& swarm = rendered.spec;
  swarm.name = crds::SwarmServiceName(service.name(), site.name());
  if (swarm.name.size() > crds::kMaxSwarmServiceName) {
    return InvalidArgumentError("Service " + service.name() + " at site " + site.name() + ": Swarm name \"" +
                                swarm.name + "\" is longer than 63 characters");
  }
  swarm.labels = OwnedLabels(rendered.owner, site.name(), service.hash, spec.labels);
  if (spec.mode == crds::ServiceMode::kGlobal) {
    swarm.mode.kind = engine::ServiceMode::Kind::kGlobal;  // one task per node the constraints allow
  } else {
    swarm.mode.kind = engine::ServiceMode::Kind::kReplicated;
    swarm.mode.replicas = static_cast<uint64_t>(std::max(0, spec.sites.at(site.name()).replicas));
  }

  engine::TaskTemplate& task = swarm.task_template;
  task.container_spec = ContainerOf(spec);
  RenderConfigs(service, task.container_spec, out);
  task.resources = ResourcesOf(spec.resources);
  task.restart_policy = RestartOf(spec.restart);
  task.placement.constraints = Constraints(service, site);
  task.placement.spread = spec.placement.spread_preferences;
  task.placement.max_replicas = static_cast<uint64_t>(spec.placement.max_replicas_per_node.value_or(0));
  task.networks = NetworksOf(service, site);
  if (spec.logging) task.log_driver = engine::LogDriver{spec.logging->driver, spec.logging->options};

  swarm.update_config = PolicyOf(spec.update);
  swarm.rollback_config = PolicyOf(spec.rollback);
  swarm.endpoint_spec = EndpointOf(spec, ports_in_host_mode);
  out.services.push_back(std::move(rendered));
  return Status::Ok();
}

}  // namespace swarmop::reconciler::internal
