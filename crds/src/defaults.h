// Applies the `default` values written in the schema (the schema stays the single source of truth for
// defaults, as in Kubernetes): a missing property whose subschema has a default gets it, in every object
// present in the document (absent optional objects stay absent).
#pragma once

#include <nlohmann/json.hpp>

namespace swarmop::crds::internal {

void ApplySchemaDefaults(const nlohmann::json& schema, nlohmann::json& value);

}  // namespace swarmop::crds::internal
