#include "strict_schema.h"

#include <cctype>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace swarmop::crds::internal {
namespace {

using nlohmann::json;

// Fields a structural CRD cannot type (several JSON types that are not int-or-string): what swarmop accepts.
struct UntypedField {
  Kind kind;
  std::string_view pointer;  // JSON pointer into the openAPIV3Schema
  std::vector<std::string> types;
  bool closed;  // an object value rejects fields it does not declare
};

const std::vector<UntypedField>& UntypedFields() {
  static const std::vector<UntypedField> kUntypedFields = {
      {Kind::kService,
       "/properties/spec/properties/env/additionalProperties",
       {"string", "number", "boolean"},
       false},
      {Kind::kService,
       "/properties/spec/properties/environments/additionalProperties/properties/env/additionalProperties",
       {"string", "number", "boolean"},
       false},
      {Kind::kService,
       "/properties/spec/properties/logging/properties/options/additionalProperties",
       {"string", "number", "boolean"},
       false},
      {Kind::kService, "/properties/spec/properties/secrets/items", {"string", "object"}, true},
  };
  return kUntypedFields;
}

bool Flag(const json& node, const char* key) {
  auto it = node.find(key);
  return it != node.end() && it->is_boolean() && it->get<bool>();
}

bool TakesObjects(const json& type) {
  if (type.is_string()) return type == "object";
  if (type.is_array()) {
    for (const json& t : type)
      if (t == "object") return true;
  }
  return false;
}

json MetadataSchema(Kind kind, const json& structural_metadata) {
  std::string noun = KindName(kind);
  for (char& c : noun) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto string_map = [](const char* description, const char* value_description) {
    return json{{"description", description},
                {"type", "object"},
                {"additionalProperties", {{"type", "string"}, {"description", value_description}}}};
  };
  json name = structural_metadata.value("properties", json::object()).value("name", json::object());
  if (name.empty())
    throw std::logic_error("the CRD of " + std::string(KindName(kind)) + " has no metadata.name");
  return json{
      {"description", "Name and labels of the " + noun + "."},
      {"type", "object"},
      {"required", {"name"}},
      {"additionalProperties", false},
      {"properties",
       {{"name", name},
        {"labels", string_map("Free-form labels of this manifest.", "A label value.")},
        {"annotations", string_map("Free-form annotations of this manifest.", "An annotation value.")}}}};
}

void MakeStrict(Kind kind, json& node, const std::string& pointer) {
  if (!node.is_object()) return;
  const bool preserve = Flag(node, "x-kubernetes-preserve-unknown-fields");
  bool closed = !preserve;
  if (Flag(node, "x-kubernetes-int-or-string")) {
    node["type"] = {"string", "integer"};
  } else if (preserve && !node.contains("type")) {
    const UntypedField* field = nullptr;
    for (const UntypedField& f : UntypedFields())
      if (f.kind == kind && f.pointer == pointer) field = &f;
    if (!field) {
      throw std::logic_error("the CRD of " + std::string(KindName(kind)) + " has an untyped field at " +
                             pointer + " that crds/src/strict_schema.cpp does not know");
    }
    node["type"] = field->types;
    closed = field->closed;
  }
  for (auto it = node.begin(); it != node.end();) {
    if (it.key().rfind("x-kubernetes-", 0) == 0) {
      it = node.erase(it);
    } else {
      ++it;
    }
  }
  if (closed && TakesObjects(node.value("type", json())) && !node.contains("additionalProperties")) {
    node["additionalProperties"] = false;
  }
  if (auto it = node.find("properties"); it != node.end() && it->is_object()) {
    for (auto& [key, sub] : it->items()) MakeStrict(kind, sub, pointer + "/properties/" + key);
  }
  if (auto it = node.find("additionalProperties"); it != node.end() && it->is_object()) {
    MakeStrict(kind, *it, pointer + "/additionalProperties");
  }
  if (auto it = node.find("items"); it != node.end() && it->is_object())
    MakeStrict(kind, *it, pointer + "/items");
}

}  // namespace

json StrictSchemaFromStructural(Kind kind, const json& structural) {
  json strict = structural;
  MakeStrict(kind, strict, "");
  if (auto it = strict.find("properties"); it != strict.end() && it->contains("metadata")) {
    (*it)["metadata"] = MetadataSchema(kind, structural["properties"]["metadata"]);
  }
  return strict;
}

}  // namespace swarmop::crds::internal
