// Schema validation with valijson against the openAPIV3Schema of the embedded CRDs.
// The schemas are parsed and compiled once (thread-safe lazy init) and shared by every call.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "swarmop/crds/model.h"

namespace swarmop::crds::internal {

// One raw valijson finding: where (context tokens without "<root>" and brackets) and valijson's text.
struct SchemaViolation {
  std::vector<std::string> context;
  std::string description;
};

// The strict JSON Schema of `kind`, derived once from the embedded structural CRD (strict_schema.h).
const nlohmann::json& OpenApiSchema(Kind kind);

// Every violation of the kind's schema. Thread-safe.
std::vector<SchemaViolation> ValidateAgainstSchema(Kind kind, const nlohmann::json& document);

}  // namespace swarmop::crds::internal
