// Checks a rendered kong.yml against Kong's own JSON Schema of the declarative format (decK's
// file/kong_json_schema.json, draft-04, copied under tests/third-party/kong/ with its provenance).
#pragma once

#include <string>
#include <vector>

namespace swarmop::reconciler::testing {

// Every violation as "<path>: <what valijson says>", or the YAML error; empty when the file is valid.
std::vector<std::string> KongSchemaViolations(const std::string& kong_yaml);

}  // namespace swarmop::reconciler::testing
