// The CRD documents (crds/*.yaml) embedded at build time, and the plain JSON Schema derived from them.
// Thread-safety: pure functions over static data.
#pragma once

#include <string>
#include <string_view>

#include "swarmop/crds/model.h"

namespace swarmop::crds {

// The CustomResourceDefinition YAML text of a kind, exactly as checked in (crds/site.yaml, ...).
std::string_view CrdYaml(Kind kind);
// The openAPIV3Schema of that CRD as a standalone JSON Schema (draft-07), pretty-printed with sorted keys
// and a trailing newline: the content of crds/jsonschema/<kind>.json, for editors.
std::string JsonSchemaFor(Kind kind);

}  // namespace swarmop::crds
