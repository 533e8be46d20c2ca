#include "spec_merge.h"

namespace swarmop::engine {
namespace {

// Marks an object in a shape as a mere container (see spec_merge.h).
constexpr const char* kStructural = "~container";

Json MergeArray(const Json& raw, const Json& typed, const std::string& key_field, const Json& element_shape) {
  Json result = Json::array();
  for (const Json& element : typed) {
    const Json* match = nullptr;
    if (raw.is_array() && element.is_object() && element.contains(key_field)) {
      for (const Json& candidate : raw) {
        if (candidate.is_object() && candidate.contains(key_field) &&
            candidate[key_field] == element[key_field]) {
          match = &candidate;
          break;
        }
      }
    }
    result.push_back(match ? MergeOwned(*match, element, element_shape) : element);
  }
  return result;
}

}  // namespace

Json MergeOwned(const Json& raw, const Json& typed, const Json& shape) {
  if (!shape.is_object()) return typed;
  static const Json kEmpty = Json::object();
  Json result = raw.is_object() ? raw : Json::object();
  for (const auto& [key, sub_shape] : shape.items()) {
    if (key == kStructural) continue;
    const bool structural = sub_shape.is_object() && sub_shape.contains(kStructural);
    const bool in_typed = typed.is_object() && typed.contains(key);
    const bool in_raw = result.contains(key);
    if (!in_typed && !structural) {
      result.erase(key);  // modelled and cleared by the caller: do not resurrect it
      continue;
    }
    const Json& value = in_typed ? typed[key] : kEmpty;
    if (sub_shape.is_object() && value.is_object()) {
      Json merged = MergeOwned(in_raw ? result[key] : Json(), value, sub_shape);
      // An empty container the engine did not have stays absent: nil and {} differ to the engine, and a
      // difference in TaskSpec redeploys every task.
      if (structural && merged.empty() && !in_raw) {
        result.erase(key);
      } else {
        result[key] = std::move(merged);
      }
    } else if (sub_shape.is_array() && sub_shape.size() == 2 && value.is_array()) {
      result[key] =
          MergeArray(in_raw ? result[key] : Json(), value, sub_shape[0].get<std::string>(), sub_shape[1]);
    } else {
      result[key] = value;
    }
  }
  return result;
}

Json MergeOverRaw(const std::string& raw_spec, const Json& typed, const Json& shape) {
  Json raw = raw_spec.empty() ? Json::object() : ParseEngineJson(raw_spec);
  if (!raw.is_object()) raw = Json::object();
  return MergeOwned(raw, typed, shape);
}

const Json& ServiceSpecShape() {
  static const Json shape = Json::parse(R"({
    "Name": true,
    "Labels": true,
    "Mode": {
      "Replicated": {"Replicas": true},
      "Global": true,
      "ReplicatedJob": {"MaxConcurrent": true, "TotalCompletions": true},
      "GlobalJob": true
    },
    "TaskTemplate": {
      "~container": true,
      "ContainerSpec": {
        "~container": true,
        "Image": true, "Command": true, "Args": true, "Env": true, "Labels": true,
        "Healthcheck": {"Test": true, "Interval": true, "Timeout": true, "StartPeriod": true, "Retries": true},
        "Configs": true,
        "Secrets": true,
        "Mounts": ["Target", {
          "Type": true, "Source": true, "Target": true, "ReadOnly": true,
          "VolumeOptions": {"~container": true, "Labels": true,
                            "DriverConfig": {"~container": true, "Name": true, "Options": true}},
          "TmpfsOptions": {"~container": true, "SizeBytes": true, "Mode": true}
        }]
      },
      "Resources": {
        "~container": true,
        "Limits": {"~container": true, "NanoCPUs": true, "MemoryBytes": true},
        "Reservations": {"~container": true, "NanoCPUs": true, "MemoryBytes": true}
      },
      "RestartPolicy": {"Condition": true, "Delay": true, "MaxAttempts": true, "Window": true},
      "Placement": {"~container": true, "Constraints": true, "Preferences": true, "MaxReplicas": true},
      "Networks": ["Target", {"Target": true, "Aliases": true}],
      "LogDriver": {"Name": true, "Options": true},
      "ForceUpdate": true
    },
    "UpdateConfig": {"Parallelism": true, "Delay": true, "FailureAction": true, "Monitor": true,
                     "MaxFailureRatio": true, "Order": true},
    "RollbackConfig": {"Parallelism": true, "Delay": true, "FailureAction": true, "Monitor": true,
                       "MaxFailureRatio": true, "Order": true},
    "EndpointSpec": {"Mode": true, "Ports": true}
  })");
  return shape;
}

const Json& NodeSpecShape() {
  static const Json shape =
      Json::parse(R"({"Name": true, "Labels": true, "Role": true, "Availability": true})");
  return shape;
}

const Json& ConfigSpecShape() {
  static const Json shape = Json::parse(R"({"Name": true, "Labels": true})");
  return shape;
}

const Json& SecretSpecShape() { return ConfigSpecShape(); }

}  // namespace swarmop::engine
