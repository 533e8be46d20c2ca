// crds/*.yaml are structural CRDs, as a Kubernetes apiserver requires them: no additionalProperties beside
// properties, metadata declaring only name, every multi-type field written as x-kubernetes-int-or-string or
// x-kubernetes-preserve-unknown-fields. The apiserver closes every object that way (it prunes unknown
// fields). swarmop REJECTS unknown fields instead (a typo is an error, with a "did you mean" hint), so it
// validates against a strict JSON Schema derived here from the structural one:
// - every object without x-kubernetes-preserve-unknown-fields (the root included) gets
//   additionalProperties: false (exactly the objects the apiserver prunes);
// - x-kubernetes-int-or-string becomes type [string, integer];
// - an untyped x-kubernetes-preserve-unknown-fields field takes the types listed in strict_schema.cpp
//   (kUntypedFields; a field missing there is a build defect: std::logic_error);
// - the root metadata gets back what Kubernetes' ObjectMeta brings (labels, annotations: maps of strings),
//   with name required and nothing else allowed;
// - x-kubernetes-* keys are dropped (plain JSON Schema, also written to crds/jsonschema/ for editors).
#pragma once

#include <nlohmann/json.hpp>

#include "swarmop/crds/model.h"

namespace swarmop::crds::internal {

// The strict JSON Schema of `kind` from its structural openAPIV3Schema. Throws std::logic_error when the
// CRD has an untyped field this file does not know (see above).
nlohmann::json StrictSchemaFromStructural(Kind kind, const nlohmann::json& structural);

}  // namespace swarmop::crds::internal
