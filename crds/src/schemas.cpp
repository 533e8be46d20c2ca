#include "swarmop/crds/schemas.h"

#include <nlohmann/json.hpp>

#include "embedded_crds.h"
#include "schema_validator.h"

namespace swarmop::crds {

std::string_view CrdYaml(Kind kind) {
  switch (kind) {
    case Kind::kSite:
      return internal::kSiteCrd;
    case Kind::kService:
      return internal::kServiceCrd;
    case Kind::kReplication:
      return internal::kReplicationCrd;
  }
  return "";
}

std::string JsonSchemaFor(Kind kind) {
  nlohmann::json schema = internal::OpenApiSchema(kind);
  schema["$schema"] = "http://json-schema.org/draft-07/schema#";
  schema["title"] = std::string(KindName(kind)) + " (swarmop.io/v1alpha1)";
  return schema.dump(2) + "\n";
}

}  // namespace swarmop::crds
