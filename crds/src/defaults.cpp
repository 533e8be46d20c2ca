#include "defaults.h"

namespace swarmop::crds::internal {

using nlohmann::json;

void ApplySchemaDefaults(const json& schema, json& value) {
  if (value.is_array() && schema.contains("items")) {
    for (json& element : value) ApplySchemaDefaults(schema["items"], element);
    return;
  }
  if (!value.is_object()) return;
  if (schema.contains("properties")) {
    for (const auto& [name, property] : schema["properties"].items()) {
      if (!value.contains(name) && property.contains("default")) value[name] = property["default"];
      if (value.contains(name)) ApplySchemaDefaults(property, value[name]);
    }
  }
  const json* extra = schema.contains("additionalProperties") ? &schema["additionalProperties"] : nullptr;
  if (!extra || !extra->is_object()) return;
  for (auto& [name, member] : value.items()) {
    if (!schema.contains("properties") || !schema["properties"].contains(name)) {
      ApplySchemaDefaults(*extra, member);
    }
  }
}

}  // namespace swarmop::crds::internal
