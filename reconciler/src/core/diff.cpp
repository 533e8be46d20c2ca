// Diff: both specs are flattened into {path -> printable value} on the fields swarmop sets, after filling
// the defaults Swarm applies to unset fields, then compared key by key. See diff.h for what is ignored.
#include "swarmop/reconciler/core/diff.h"

#include <algorithm>
#include <sstream>

#include "swarmop/reconciler/core/labels.h"

namespace swarmop::reconciler {
namespace {

using Flat = std::map<std::string, std::string>;

constexpr int64_t kDefaultMonitorNs = 5'000'000'000;       // swarmkit's UpdateConfig.Monitor default
constexpr int64_t kDefaultRestartDelayNs = 5'000'000'000;  // swarmkit's RestartPolicy.Delay default

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ' ';
    bool quote = item.empty() || item.find_first_of(" \t\"") != std::string::npos;
    out += quote ? "\"" + item + "\"" : item;
  }
  return out;
}

std::string SortedJoin(std::vector<std::string> items) {
  std::sort(items.begin(), items.end());
  return Join(items);
}

std::string Octal(uint32_t mode) {
  std::ostringstream out;
  out << '0' << std::oct << mode;
  return out.str();
}

std::string FileText(const engine::FileTarget& file) {
  std::string uid = file.uid.empty() ? "0" : file.uid;
  std::string gid = file.gid.empty() ? "0" : file.gid;
  return "uid=" + uid + " gid=" + gid + " mode=" + Octal(file.mode == 0 ? 0444 : file.mode);
}

void PutNonZero(Flat& out, const std::string& key, int64_t value) {
  if (value != 0) out[key] = std::to_string(value);
}

void FlattenPolicy(Flat& out, const std::string& prefix, const std::optional<engine::UpdatePolicy>& policy) {
  engine::UpdatePolicy p = policy.value_or(engine::UpdatePolicy{});
  out[prefix + ".parallelism"] = std::to_string(p.parallelism);
  PutNonZero(out, prefix + ".delay_ns", p.delay_ns);
  out[prefix + ".failure_action"] = p.failure_action.empty() ? "pause" : p.failure_action;
  out[prefix + ".monitor_ns"] = std::to_string(p.monitor_ns == 0 ? kDefaultMonitorNs : p.monitor_ns);
  if (p.max_failure_ratio != 0) out[prefix + ".max_failure_ratio"] = std::to_string(p.max_failure_ratio);
  out[prefix + ".order"] = p.order.empty() ? "stop-first" : p.order;
}

void FlattenRestart(Flat& out, const std::optional<engine::RestartPolicy>& policy) {
  engine::RestartPolicy p = policy.value_or(engine::RestartPolicy{});
  out["restart_policy.condition"] = p.condition.empty() ? "any" : p.condition;
  out["restart_policy.delay_ns"] = std::to_string(p.delay_ns == 0 ? kDefaultRestartDelayNs : p.delay_ns);
  PutNonZero(out, "restart_policy.max_attempts", static_cast<int64_t>(p.max_attempts));
  PutNonZero(out, "restart_policy.window_ns", p.window_ns);
}

void FlattenMode(Flat& out, const engine::ServiceMode& mode) {
  switch (mode.kind) {
    case engine::ServiceMode::Kind::kReplicated:
      out["mode"] = "replicated";
      out["mode.replicas"] = std::to_string(mode.replicas);
      break;
    case engine::ServiceMode::Kind::kGlobal:
      out["mode"] = "global";
      break;
    case engine::ServiceMode::Kind::kReplicatedJob:
      out["mode"] = "replicated-job";
      PutNonZero(out, "mode.max_concurrent", static_cast<int64_t>(mode.max_concurrent));
      PutNonZero(out, "mode.total_completions", static_cast<int64_t>(mode.total_completions));
      break;
    case engine::ServiceMode::Kind::kGlobalJob:
      out["mode"] = "global-job";
      break;
  }
}

void FlattenContainer(Flat& out, const engine::ContainerSpec& c, bool strip_digest) {
  out["image"] = strip_digest ? ImageWithoutDigest(c.image) : c.image;
  if (!c.command.empty()) out["command"] = Join(c.command);
  if (!c.args.empty()) out["args"] = Join(c.args);
  for (const auto& entry : c.env) {
    auto eq = entry.find('=');
    out["env." + entry.substr(0, eq)] = eq == std::string::npos ? "" : entry.substr(eq + 1);
  }
  for (const auto& [key, value] : c.labels) out["container.labels." + key] = value;
  if (c.healthcheck) {
    out["healthcheck.test"] = Join(c.healthcheck->test);
    PutNonZero(out, "healthcheck.interval_ns", c.healthcheck->interval_ns);
    PutNonZero(out, "healthcheck.timeout_ns", c.healthcheck->timeout_ns);
    PutNonZero(out, "healthcheck.start_period_ns", c.healthcheck->start_period_ns);
    PutNonZero(out, "healthcheck.retries", c.healthcheck->retries);
  }
  // References compare by name and file: IDs are resolved at apply time.
  for (const auto& ref : c.configs) {
    out["configs." + ref.file.name] = ref.config_name + " " + FileText(ref.file);
  }
  for (const auto& ref : c.secrets) {
    out["secrets." + ref.file.name] = ref.secret_name + " " + FileText(ref.file);
  }
  for (const auto& m : c.mounts) {
    std::string type = m.type.empty() ? "volume" : m.type;
    std::string text = type + ":" + m.source + (m.read_only ? ":ro" : "");
    if (m.tmpfs_size_bytes != 0) text += " size=" + std::to_string(m.tmpfs_size_bytes);
    if (m.tmpfs_mode != 0) text += " mode=" + Octal(m.tmpfs_mode);
    out["mounts." + m.target] = text;
  }
}

void FlattenResources(Flat& out, const engine::Resources& r) {
  PutNonZero(out, "resources.limits.nano_cpus", r.limits.nano_cpus);
  PutNonZero(out, "resources.limits.memory_bytes", r.limits.memory_bytes);
  PutNonZero(out, "resources.reservations.nano_cpus", r.reservations.nano_cpus);
  PutNonZero(out, "resources.reservations.memory_bytes", r.reservations.memory_bytes);
}

void FlattenNetworks(Flat& out, const std::vector<engine::NetworkAttachment>& networks,
                     const DiffContext& context) {
  for (const auto& network : networks) {
    auto name = context.network_names_by_id.find(network.target);
    const std::string& target = name == context.network_names_by_id.end() ? network.target : name->second;
    out["networks." + target] =
        network.aliases.empty() ? "attached" : "aliases " + SortedJoin(network.aliases);
  }
}

void FlattenEndpoint(Flat& out, const std::optional<engine::EndpointSpec>& endpoint) {
  engine::EndpointSpec e = endpoint.value_or(engine::EndpointSpec{});
  out["endpoint.mode"] = e.mode.empty() ? "vip" : e.mode;
  for (const auto& p : e.ports) {
    std::string protocol = p.protocol.empty() ? "tcp" : p.protocol;
    std::string mode = p.publish_mode.empty() ? "ingress" : p.publish_mode;
    std::string key = "ports." + std::to_string(p.published_port) + "/" + protocol;
    out[key] = "target=" + std::to_string(p.target_port) + " mode=" + mode +
               (p.name.empty() ? "" : " name=" + p.name);
  }
}

Flat Flatten(const engine::ServiceSpec& spec, const DiffContext& context, bool strip_digest) {
  Flat out;
  out["name"] = spec.name;
  for (const auto& [key, value] : spec.labels) {
    if (key != labels::kSpecHash) out["labels." + key] = value;  // informational, refreshed on every write
  }
  FlattenMode(out, spec.mode);
  const engine::TaskTemplate& task = spec.task_template;
  FlattenContainer(out, task.container_spec, strip_digest);
  FlattenResources(out, task.resources);
  FlattenRestart(out, task.restart_policy);
  if (!task.placement.constraints.empty())
    out["placement.constraints"] = SortedJoin(task.placement.constraints);
  if (!task.placement.spread.empty()) out["placement.spread"] = Join(task.placement.spread);
  PutNonZero(out, "placement.max_replicas", static_cast<int64_t>(task.placement.max_replicas));
  FlattenNetworks(out, task.networks, context);
  if (task.log_driver) {
    out["log_driver.name"] = task.log_driver->name;
    for (const auto& [key, value] : task.log_driver->options) out["log_driver.options." + key] = value;
  }
  PutNonZero(out, "force_update", static_cast<int64_t>(task.force_update));
  FlattenPolicy(out, "update_config", spec.update_config);
  FlattenPolicy(out, "rollback_config", spec.rollback_config);
  FlattenEndpoint(out, spec.endpoint_spec);
  return out;
}

}  // namespace

std::string ImageWithoutDigest(const std::string& image) {
  auto at = image.find("@sha256:");
  return at == std::string::npos ? image : image.substr(0, at);
}

std::vector<FieldChange> DiffServices(const engine::ServiceSpec& desired, const engine::ServiceSpec& actual,
                                      const DiffContext& context) {
  // A digest the user did not ask for was pinned by a client: compare the image without it.
  bool strip = desired.task_template.container_spec.image.find('@') == std::string::npos;
  Flat want = Flatten(desired, context, strip);
  Flat have = Flatten(actual, context, strip);
  std::vector<FieldChange> changes;
  for (const auto& [path, value] : want) {
    auto it = have.find(path);
    if (it == have.end()) {
      changes.push_back({path, "", value});
    } else if (it->second != value) {
      changes.push_back({path, it->second, value});
    }
  }
  for (const auto& [path, value] : have) {
    if (!want.count(path)) changes.push_back({path, value, ""});
  }
  std::sort(changes.begin(), changes.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
  return changes;
}

bool NeedsReplace(const engine::ServiceSpec& desired, const engine::ServiceSpec& actual) {
  return desired.name != actual.name || desired.mode.kind != actual.mode.kind;
}

}  // namespace swarmop::reconciler
