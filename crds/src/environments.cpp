#include "environments.h"

namespace swarmop::crds::internal {

using nlohmann::json;

namespace {

void ApplyOverrides(const json& overrides, json& spec) {
  if (overrides.contains("env")) {
    for (const auto& [name, value] : overrides["env"].items()) spec["env"][name] = value;
  }
  if (overrides.contains("sites")) {
    for (const auto& [site, fields] : overrides["sites"].items()) {
      for (const auto& [field, value] : fields.items()) spec["sites"][site][field] = value;
    }
  }
  if (overrides.contains("replicas") && spec.contains("sites")) {
    for (auto& [site, placement] : spec["sites"].items()) placement["replicas"] = overrides["replicas"];
  }
  if (overrides.contains("image")) spec["image"] = overrides["image"];
}

}  // namespace

void ApplyEnvironment(const std::string& environment, json& service_document) {
  if (!service_document.contains("spec") || !service_document["spec"].is_object()) return;
  json& spec = service_document["spec"];
  if (!spec.contains("environments")) return;
  const json environments = spec["environments"];
  spec.erase("environments");
  if (environment.empty() || !environments.contains(environment)) return;
  ApplyOverrides(environments[environment], spec);
}

}  // namespace swarmop::crds::internal
