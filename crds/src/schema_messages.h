// Turns valijson's generic findings into plain, specific messages ("must be an integer, got string "two"",
// "unknown field (did you mean "replicas"?)"), reading the expected values out of the schema itself.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "field_path.h"
#include "schema_validator.h"

namespace swarmop::crds::internal {

struct PhrasedError {
  FieldPath path;  // the offending field (for a missing field: the field that should be there)
  std::string message;
  bool at_parent = false;  // point at the parent object's position (the field itself is not in the file)
};

// Wrapper findings ("failed to validate item #0") are dropped; duplicates are merged.
std::vector<PhrasedError> PhraseViolations(const nlohmann::json& schema, const nlohmann::json& document,
                                           const std::vector<SchemaViolation>& violations);

// "replicas" for "replica" among `candidates`, or "" when nothing is close enough.
std::string ClosestMatch(const std::string& word, const std::vector<std::string>& candidates);

// `string "two"`, `integer 3`, `a list`, ... as used in "got ..." phrases.
std::string DescribeValue(const nlohmann::json& value);

}  // namespace swarmop::crds::internal
