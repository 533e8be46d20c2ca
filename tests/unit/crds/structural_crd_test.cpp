// crds/*.yaml must be CRDs a Kubernetes apiserver accepts (apiextensions.k8s.io/v1, structural schemas),
// checked with the apiserver's rules ported in structural_rules.cpp; and swarmop's own validation, which
// runs on the strict schema derived from them (crds/src/strict_schema.h), stays as strict as before.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include "strict_schema.h"
#include "structural_rules.h"
#include "test_util.h"
#include "yaml_to_json.h"

namespace swarmop::crds {
namespace {

using nlohmann::json;

json ParseOne(const std::string& name, const std::string& text) {
  internal::YamlParseResult parsed = internal::ParseYaml(name, text);
  if (!parsed.errors.empty() || parsed.documents.size() != 1)
    throw std::runtime_error(name + " does not parse");
  return parsed.documents[0].value;
}

bool Contains(const std::vector<std::string>& errors, const std::string& expected) {
  return std::find(errors.begin(), errors.end(), expected) != errors.end();
}

std::string Joined(const std::vector<std::string>& errors) {
  std::string out;
  for (const std::string& e : errors) out += "  " + e + "\n";
  return out;
}

TEST(StructuralCrd, EveryCrdInTheRepositoryIsAnApiextensionsV1CrdWithAStructuralSchema) {
  size_t checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(SWARMOP_SOURCE_DIR) + "/crds")) {
    if (entry.path().extension() != ".yaml") continue;
    const json crd = ParseOne(entry.path().string(), testing::ReadText(entry.path().string()));
    std::vector<std::string> errors = testing::CrdErrors(crd);
    EXPECT_TRUE(errors.empty()) << entry.path() << ":\n" << Joined(errors);
    ++checked;
  }
  EXPECT_EQ(checked, 3u);
}

// What crds/site.yaml and service.yaml looked like before: the rules must catch every kind of defect.
constexpr const char* kNonStructural = R"(
type: object
additionalProperties: false
properties:
  apiVersion: {type: string}
  kind: {type: string}
  metadata:
    description: Name and labels.
    type: object
    required: [name]
    properties:
      name: {type: string}
      labels: {type: object, additionalProperties: {type: string}}
  spec:
    type: object
    additionalProperties: false
    properties:
      memory: {type: [string, integer]}
      untyped: {description: no type and no x-kubernetes extension}
      list: {type: array}
      choice:
        type: string
        anyOf: [{type: string, pattern: '^a'}, {properties: {missing: {maxLength: 1}}}]
      unique: {type: array, items: {type: string}, uniqueItems: true}
      pattern: {type: string, pattern: '^(?!x)'}
      wrongDefault: {type: integer, default: "2"}
      keep: {type: object, x-kubernetes-preserve-unknown-fields: false}
      typo: {type: string, requried: true}
)";

TEST(StructuralCrd, TheRulesRefuseANonStructuralSchemaNamingEachDefect) {
  std::vector<std::string> errors = testing::StructuralSchemaErrors(ParseOne("schema", kNonStructural));
  // Decoding fails first, as it does in the apiserver (a list as type; an unknown key).
  EXPECT_TRUE(
      Contains(errors,
               "openAPIV3Schema.properties[spec].properties[memory].type: must be a string (one type; use "
               "x-kubernetes-int-or-string or x-kubernetes-preserve-unknown-fields for several)"))
      << Joined(errors);
  EXPECT_TRUE(Contains(errors,
                       "openAPIV3Schema.properties[spec].properties[typo].requried: unknown field (not in "
                       "apiextensions.k8s.io/v1 JSONSchemaProps)"))
      << Joined(errors);
  EXPECT_EQ(errors.size(), 2u) << Joined(errors);
}

TEST(StructuralCrd, TheStructuralRulesNameEveryOtherDefect) {
  json schema = ParseOne("schema", kNonStructural);
  schema["properties"]["spec"]["properties"]["memory"]["type"] = "string";
  schema["properties"]["spec"]["properties"]["typo"].erase("requried");
  std::vector<std::string> errors = testing::StructuralSchemaErrors(schema);
  for (const char* expected : {
           "openAPIV3Schema.additionalProperties: Forbidden: must not be used at the root",
           "openAPIV3Schema.properties[spec].additionalProperties: Forbidden: additionalProperties and "
           "properties "
           "are mutual exclusive",
           "openAPIV3Schema.properties[metadata]: Forbidden: must not specify anything other than name and "
           "generateName, but metadata is implicitly specified",
           "openAPIV3Schema.properties[spec].properties[untyped].type: Required value: must not be empty for "
           "specified object fields",
           "openAPIV3Schema.properties[spec].properties[list].items: Required value: must be specified",
           "openAPIV3Schema.properties[spec].properties[choice].anyOf[0].type: Forbidden: must be empty to "
           "be "
           "structural",
           "openAPIV3Schema.properties[spec].properties[unique].uniqueItems: Forbidden: uniqueItems cannot "
           "be set "
           "to true since the runtime complexity becomes quadratic",
           "openAPIV3Schema.properties[spec].properties[pattern].pattern: Invalid value: must be a valid "
           "regular "
           "expression",
           "openAPIV3Schema.properties[spec].properties[wrongDefault].default: Invalid value: \"2\": must be "
           "of "
           "type integer",
           "openAPIV3Schema.properties[spec].properties[keep].x-kubernetes-preserve-unknown-fields: Invalid "
           "value: false: must be true or undefined",
       }) {
    EXPECT_TRUE(Contains(errors, expected)) << expected << "\nnot in:\n" << Joined(errors);
  }
}

TEST(StructuralCrd, ValueValidationsMustNameFieldsTheSchemaDeclares) {
  json schema = json::parse(R"({"type": "object", "properties": {"a": {"type": "string"}},
                                "anyOf": [{"required": ["a"]}, {"properties": {"b": {"maxLength": 1}}}]})");
  std::vector<std::string> errors = testing::StructuralSchemaErrors(schema);
  EXPECT_TRUE(Contains(errors,
                       "openAPIV3Schema.properties[b]: Required value: because it is defined in "
                       "openAPIV3Schema.anyOf[1].properties[b]"))
      << Joined(errors);
}

TEST(StructuralCrd, IntOrStringMayBeWrittenAsTheAnyOfTheApiserverAllows) {
  json schema = json::parse(R"({"type": "object", "properties": {"port": {"x-kubernetes-int-or-string": true,
                                "anyOf": [{"type": "integer"}, {"type": "string"}]}}})");
  EXPECT_EQ(testing::StructuralSchemaErrors(schema), std::vector<std::string>{});
  schema["properties"]["port"]["anyOf"][1]["type"] = "boolean";
  EXPECT_FALSE(testing::StructuralSchemaErrors(schema).empty());
}

TEST(StructuralCrd, DefaultsAreRefusedInTopLevelMetadata) {
  json schema =
      json::parse(R"({"type": "object", "properties": {"metadata": {"type": "object", "default": {}},
                                "kind": {"type": "string", "default": "Site"}}})");
  std::vector<std::string> errors = testing::StructuralSchemaErrors(schema);
  EXPECT_TRUE(Contains(
      errors, "openAPIV3Schema.properties[kind].default: Forbidden: must not be set in top-level kind"))
      << Joined(errors);
}

// ---- The strict schema swarmop validates with ----

TEST(StrictSchema, AnUntypedFieldTheDerivationDoesNotKnowIsABuildDefect) {
  json schema = json::parse(R"({"type": "object", "properties": {"spec": {"type": "object", "properties": {
                                "anything": {"x-kubernetes-preserve-unknown-fields": true}}}}})");
  EXPECT_THROW(internal::StrictSchemaFromStructural(Kind::kSite, schema), std::logic_error);
}

TEST(StrictSchema, ObjectsAreClosedUnlessTheyPreserveUnknownFields) {
  json schema = json::parse(R"({"type": "object", "properties": {
      "metadata": {"type": "object", "properties": {"name": {"type": "string"}}},
      "spec": {"type": "object", "properties": {"n": {"x-kubernetes-int-or-string": true}}},
      "status": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}})");
  json strict = internal::StrictSchemaFromStructural(Kind::kSite, schema);
  EXPECT_EQ(strict["additionalProperties"], false);
  EXPECT_EQ(strict["properties"]["spec"]["additionalProperties"], false);
  EXPECT_EQ(strict["properties"]["spec"]["properties"]["n"]["type"], json({"string", "integer"}));
  EXPECT_FALSE(strict["properties"]["status"].contains("additionalProperties"));
  EXPECT_FALSE(strict["properties"]["status"].contains("x-kubernetes-preserve-unknown-fields"));
  EXPECT_EQ(strict["properties"]["metadata"]["additionalProperties"], false);
  EXPECT_EQ(strict["properties"]["metadata"]["required"], json({"name"}));
  EXPECT_TRUE(strict["properties"]["metadata"]["properties"].contains("labels"));
}

std::vector<std::string> Messages(const std::string& yaml) {
  std::vector<std::string> out;
  for (const Diagnostic& d : testing::LoadText(yaml).errors) out.push_back(d.field + ": " + d.message);
  return out;
}

constexpr const char* kService = R"(apiVersion: swarmop.io/v1alpha1
kind: Service
metadata: {name: api, labels: {team: a}, annotations: {note: b})";

TEST(StrictSchema, FieldsTheCrdNoLongerTypesAreCheckedAsStrictlyAsBefore) {
  // metadata declares only name in the CRD: labels and annotations are still maps of strings, others refused.
  const std::string spec = "}\nspec: {image: a, sites: {x: {}}, ";
  EXPECT_EQ(Messages(std::string(kService) + ", label: x" + spec + "}\n"),
            std::vector<std::string>{"metadata.label: unknown field (did you mean \"labels\"?)"});
  EXPECT_EQ(Messages(std::string(kService) + spec + "env: {A: {b: 1}}}\n"),
            std::vector<std::string>{"spec.env.A: must be a string, a number or a boolean, got a mapping"});
  EXPECT_EQ(Messages(std::string(kService) + spec + "secrets: [{name: s, mode: 1}]}\n"),
            std::vector<std::string>{"spec.secrets[0].mode: unknown field (known fields: name, target)"});
  EXPECT_EQ(Messages(std::string(kService) + spec + "secrets: [[s]]}\n"),
            std::vector<std::string>{"spec.secrets[0]: must be a string or a mapping, got a list"});
  EXPECT_EQ(Messages(std::string(kService) + spec + "resources: {limits: {memory: true}}}\n"),
            std::vector<std::string>{
                "spec.resources.limits.memory: must be a string or an integer, got boolean true"});
  // status stays open, as before (a Kong plugin's config too: manifests/reference/gateway.yaml): the schema
  // accepts the document, only the cross-reference to the missing site remains.
  EXPECT_EQ(Messages(std::string(kService) + spec + "}\nstatus: {anything: 1}\n"),
            std::vector<std::string>{"spec.sites.x: no Site named \"x\" (none is defined)"});
}

}  // namespace
}  // namespace swarmop::crds
