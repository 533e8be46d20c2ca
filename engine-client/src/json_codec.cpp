#include "json_codec.h"

#include <limits>

#include "swarmop/base/json_depth.h"

namespace swarmop::engine {
namespace {

const Json& Null() {
  static const Json null;
  return null;
}

}  // namespace

Json ParseEngineJson(std::string_view text) {
  if (JsonNestsDeeperThan(text)) return Json(Json::value_t::discarded);
  return Json::parse(text, nullptr, /*allow_exceptions=*/false);
}

std::string RawSpec(const Json& spec, SpecText spec_text) {
  if (!spec.is_object()) return std::string();
  if (spec_text) return std::string(*spec_text);
  return spec.dump(-1, ' ', false, Json::error_handler_t::replace);
}

const Json& GetObject(const Json& object, const char* key) {
  if (!object.is_object()) return Null();
  auto it = object.find(key);
  return it == object.end() ? Null() : *it;
}

std::string GetString(const Json& object, const char* key) {
  const Json& value = GetObject(object, key);
  return value.is_string() ? value.get<std::string>() : std::string();
}

int64_t GetInt(const Json& object, const char* key) {
  const Json& value = GetObject(object, key);
  if (value.is_number_integer()) return value.get<int64_t>();
  if (value.is_number()) {
    // A float out of int64's range (or NaN) reads as 0: casting it would be undefined behaviour.
    const double d = value.get<double>();
    return d > -9.2e18 && d < 9.2e18 ? static_cast<int64_t>(d) : 0;
  }
  return 0;
}

uint64_t GetUint(const Json& object, const char* key) {
  const Json& value = GetObject(object, key);
  if (value.is_number_unsigned()) return value.get<uint64_t>();
  if (value.is_number_integer())
    return value.get<int64_t>() < 0 ? 0 : static_cast<uint64_t>(value.get<int64_t>());
  return 0;
}

bool GetBool(const Json& object, const char* key) {
  const Json& value = GetObject(object, key);
  return value.is_boolean() && value.get<bool>();
}

std::map<std::string, std::string> GetStringMap(const Json& object, const char* key) {
  std::map<std::string, std::string> out;
  const Json& value = GetObject(object, key);
  if (!value.is_object()) return out;
  for (const auto& [k, v] : value.items()) {
    if (v.is_string()) out[k] = v.get<std::string>();
  }
  return out;
}

std::vector<std::string> GetStringList(const Json& object, const char* key) {
  std::vector<std::string> out;
  const Json& value = GetObject(object, key);
  if (!value.is_array()) return out;
  for (const Json& item : value) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}

std::string Base64Encode(const std::string& bytes) {
  static const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t n = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  if (i + 1 == bytes.size()) {
    uint32_t n = uint8_t(bytes[i]) << 16;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == bytes.size()) {
    uint32_t n = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

std::string Base64Decode(const std::string& text) {
  std::string out;
  uint32_t accumulator = 0;
  int bits = 0;
  for (char c : text) {
    int value;
    if (c >= 'A' && c <= 'Z')
      value = c - 'A';
    else if (c >= 'a' && c <= 'z')
      value = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      value = c - '0' + 52;
    else if (c == '+' || c == '-')
      value = 62;
    else if (c == '/' || c == '_')
      value = 63;
    else
      continue;  // padding, newlines
    accumulator = (accumulator << 6) | static_cast<uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((accumulator >> bits) & 0xff);
    }
  }
  return out;
}

Task DecodeTask(const Json& json) {
  Task task;
  task.id = GetString(json, "ID");
  task.version = GetUint(GetObject(json, "Version"), "Index");
  task.service_id = GetString(json, "ServiceID");
  task.node_id = GetString(json, "NodeID");
  task.slot = GetUint(json, "Slot");
  task.desired_state = GetString(json, "DesiredState");
  task.labels = GetStringMap(json, "Labels");
  task.created_at = GetString(json, "CreatedAt");
  task.updated_at = GetString(json, "UpdatedAt");
  const Json& status = GetObject(json, "Status");
  task.status.state = GetString(status, "State");
  task.status.message = GetString(status, "Message");
  task.status.err = GetString(status, "Err");
  task.status.timestamp = GetString(status, "Timestamp");
  const Json& container = GetObject(status, "ContainerStatus");
  task.status.container_id = GetString(container, "ContainerID");
  if (GetObject(container, "ExitCode").is_number()) task.status.exit_code = GetInt(container, "ExitCode");
  const Json& iteration = GetObject(json, "JobIteration");
  if (iteration.is_object()) task.job_iteration = GetUint(iteration, "Index");
  return task;
}

Node DecodeNode(const Json& json) {
  Node node;
  node.id = GetString(json, "ID");
  node.version = GetUint(GetObject(json, "Version"), "Index");
  node.created_at = GetString(json, "CreatedAt");
  node.updated_at = GetString(json, "UpdatedAt");
  const Json& spec = GetObject(json, "Spec");
  node.spec.name = GetString(spec, "Name");
  node.spec.labels = GetStringMap(spec, "Labels");
  node.spec.role = GetString(spec, "Role");
  node.spec.availability = GetString(spec, "Availability");
  node.spec.raw_spec =
      spec.is_object() ? spec.dump(-1, ' ', false, Json::error_handler_t::replace) : std::string();
  const Json& description = GetObject(json, "Description");
  node.hostname = GetString(description, "Hostname");
  node.engine_labels = GetStringMap(GetObject(description, "Engine"), "Labels");
  const Json& status = GetObject(json, "Status");
  node.state = GetString(status, "State");
  node.addr = GetString(status, "Addr");
  node.status_message = GetString(status, "Message");
  const Json& manager = GetObject(json, "ManagerStatus");
  if (manager.is_object()) {
    node.manager_status = ManagerStatus{GetBool(manager, "Leader"), GetString(manager, "Reachability"),
                                        GetString(manager, "Addr")};
  }
  return node;
}

Json EncodeNodeSpec(const NodeSpec& spec) {
  Json out = Json::object();
  if (!spec.name.empty()) out["Name"] = spec.name;
  if (!spec.labels.empty()) out["Labels"] = spec.labels;
  if (!spec.role.empty()) out["Role"] = spec.role;
  if (!spec.availability.empty()) out["Availability"] = spec.availability;
  return out;
}

Config DecodeConfig(const Json& json, SpecText spec_text) {
  Config config;
  config.id = GetString(json, "ID");
  config.version = GetUint(GetObject(json, "Version"), "Index");
  config.created_at = GetString(json, "CreatedAt");
  config.updated_at = GetString(json, "UpdatedAt");
  const Json& spec = GetObject(json, "Spec");
  config.spec.name = GetString(spec, "Name");
  config.spec.labels = GetStringMap(spec, "Labels");
  config.spec.data = Base64Decode(GetString(spec, "Data"));
  config.spec.raw_spec = RawSpec(spec, spec_text);
  return config;
}

Json EncodeConfigSpec(const ConfigSpec& spec) {
  Json out = {{"Name", spec.name}, {"Data", Base64Encode(spec.data)}};
  if (!spec.labels.empty()) out["Labels"] = spec.labels;
  return out;
}

Secret DecodeSecret(const Json& json, SpecText spec_text) {
  Secret secret;
  secret.id = GetString(json, "ID");
  secret.version = GetUint(GetObject(json, "Version"), "Index");
  secret.created_at = GetString(json, "CreatedAt");
  secret.updated_at = GetString(json, "UpdatedAt");
  const Json& spec = GetObject(json, "Spec");
  secret.spec.name = GetString(spec, "Name");
  secret.spec.labels = GetStringMap(spec, "Labels");
  secret.spec.raw_spec = RawSpec(spec, spec_text);
  return secret;
}

Json EncodeSecretSpec(const SecretSpec& spec) {
  Json out = {{"Name", spec.name}, {"Data", Base64Encode(spec.data)}};
  if (!spec.labels.empty()) out["Labels"] = spec.labels;
  return out;
}

Network DecodeNetwork(const Json& json) {
  Network network;
  network.id = GetString(json, "Id");
  network.name = GetString(json, "Name");
  network.driver = GetString(json, "Driver");
  network.scope = GetString(json, "Scope");
  network.attachable = GetBool(json, "Attachable");
  network.internal = GetBool(json, "Internal");
  network.options = GetStringMap(json, "Options");
  network.labels = GetStringMap(json, "Labels");
  network.created = GetString(json, "Created");
  return network;
}

Json EncodeNetworkSpec(const NetworkSpec& spec) {
  Json out = {{"Name", spec.name},
              {"Driver", spec.driver},
              {"Attachable", spec.attachable},
              {"Internal", spec.internal},
              {"CheckDuplicate", true}};
  if (!spec.options.empty()) out["Options"] = spec.options;
  if (!spec.labels.empty()) out["Labels"] = spec.labels;
  return out;
}

Event DecodeEvent(const Json& json) {
  Event event;
  event.type = GetString(json, "Type");
  event.action = GetString(json, "Action");
  event.scope = GetString(json, "scope");
  const Json& actor = GetObject(json, "Actor");
  event.actor.id = GetString(actor, "ID");
  event.actor.attributes = GetStringMap(actor, "Attributes");
  event.time_nano = GetInt(json, "timeNano");
  if (event.time_nano == 0) {
    // Seconds past year 2262 do not fit in int64 nanoseconds: such a time reads as 0 (unknown), not overflow.
    const int64_t seconds = GetInt(json, "time");
    constexpr int64_t kMaxSeconds = std::numeric_limits<int64_t>::max() / 1000000000;
    event.time_nano = seconds > -kMaxSeconds && seconds < kMaxSeconds ? seconds * 1000000000 : 0;
  }
  return event;
}

SystemInfo DecodeInfo(const Json& json) {
  SystemInfo info;
  info.name = GetString(json, "Name");
  info.server_version = GetString(json, "ServerVersion");
  const Json& swarm = GetObject(json, "Swarm");
  info.swarm_state = GetString(swarm, "LocalNodeState");
  info.node_id = GetString(swarm, "NodeID");
  info.node_addr = GetString(swarm, "NodeAddr");
  info.control_available = GetBool(swarm, "ControlAvailable");
  info.cluster_id = GetString(GetObject(swarm, "Cluster"), "ID");
  info.managers = GetInt(swarm, "Managers");
  info.nodes = GetInt(swarm, "Nodes");
  return info;
}

VersionInfo DecodeVersion(const Json& json) {
  VersionInfo version;
  version.version = GetString(json, "Version");
  version.api_version = GetString(json, "ApiVersion");
  version.min_api_version = GetString(json, "MinAPIVersion");
  version.os = GetString(json, "Os");
  version.arch = GetString(json, "Arch");
  version.kernel_version = GetString(json, "KernelVersion");
  return version;
}

}  // namespace swarmop::engine
