// Chart values with the place each one came from: merged from YAML files and --set flags, checked against
// the chart's values.schema.json, every problem reported where the offending value was written.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "swarmop/crds/diagnostic.h"

namespace swarmop::charts::internal {

struct Origin {
  std::string file;  // "values.yaml", "prod.yaml", "--set a.b=c"
  int line = 0;
  int column = 0;
};

struct Values {
  nlohmann::json value = nlohmann::json::object();
  std::map<std::string, Origin> origins;  // JSON pointer -> where it was set last

  // The origin of `pointer` or of its nearest ancestor that has one.
  Origin OriginOf(const std::string& pointer) const;
};

// Merges a YAML values file over `values` (maps merge key by key; lists and scalars replace; a null removes
// the key). Syntax errors and a document that is not a map are appended to `errors`.
void MergeValuesFile(const std::string& path, const std::string& content, Values& values,
                     std::vector<crds::Diagnostic>& errors);

// Applies one --set flag: "a.b=c", "list[0]=x", "a.b={x,y}" (a list), values typed as YAML plain scalars
// ("3" an integer, "true" a boolean; quote with --set a='"3"'... is not needed: a.b="3" in the shell is 3).
void MergeSetFlag(const std::string& flag, Values& values, std::vector<crds::Diagnostic>& errors);

// Checks `values` against the JSON Schema text; one diagnostic per problem, at the value's origin.
// `schema_file` names the schema in diagnostics about the schema itself.
std::vector<crds::Diagnostic> CheckValuesSchema(const std::string& schema_file,
                                                const std::string& schema_json, const Values& values);

}  // namespace swarmop::charts::internal
