// The rules a Kubernetes apiserver (apiextensions.k8s.io/v1) applies to a CRD's openAPIV3Schema before it
// accepts the CRD, ported from k8s.io/apiextensions-apiserver (no kube-apiserver in Debian):
// - decoding into v1 JSONSchemaProps: known keys only, `type` a string, `items` one schema,
//   `additionalProperties` a bool or a schema;
// - pkg/apis/apiextensions/validation/validation.go ValidateCustomResourceDefinitionOpenAPISchema and
//   specStandardValidatorV3.validate (uniqueItems, additionalProperties beside properties, $ref, id,
//   patternProperties, definitions, dependencies, additionalItems, type null, unknown types, defaults in
//   top-level metadata/kind/apiVersion, preserve-unknown-fields false, list/map types);
// - pkg/apiserver/schema/validation.go ValidateStructural (array items, additionalProperties at the root,
//   every node typed unless int-or-string/preserve-unknown-fields, root type object, kind/apiVersion strings,
//   metadata restricted to name/generateName, nothing but value validations under anyOf/allOf/oneOf/not with
//   the two int-or-string exceptions, metadata never nested, patterns compile) and complete.go
//   (validateStructuralCompleteness: what a value validation names exists structurally).
// Each error reads `<field path as the apiserver prints it>: <its message>`.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace swarmop::crds::testing {

// Errors of a CRD's openAPIV3Schema (JSON, as YAML converts it); empty when the apiserver would accept it.
std::vector<std::string> StructuralSchemaErrors(const nlohmann::json& open_api_v3_schema);

// Errors of a whole CRD document (apiVersion, kind, names, versions; every version's schema).
std::vector<std::string> CrdErrors(const nlohmann::json& crd);

}  // namespace swarmop::crds::testing
