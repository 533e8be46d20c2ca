#include "structural_rules.h"

#include <regex>
#include <set>

namespace swarmop::crds::testing {
namespace {

using nlohmann::json;

enum class Level { kRoot, kItem, kField };

// The keys of apiextensions.k8s.io/v1 JSONSchemaProps: anything else fails to decode (strict decoding).
const std::set<std::string> kSchemaKeys = {"id",
                                           "$schema",
                                           "$ref",
                                           "description",
                                           "type",
                                           "format",
                                           "title",
                                           "default",
                                           "maximum",
                                           "exclusiveMaximum",
                                           "minimum",
                                           "exclusiveMinimum",
                                           "maxLength",
                                           "minLength",
                                           "pattern",
                                           "maxItems",
                                           "minItems",
                                           "uniqueItems",
                                           "multipleOf",
                                           "enum",
                                           "maxProperties",
                                           "minProperties",
                                           "required",
                                           "items",
                                           "allOf",
                                           "oneOf",
                                           "anyOf",
                                           "not",
                                           "properties",
                                           "additionalProperties",
                                           "patternProperties",
                                           "dependencies",
                                           "additionalItems",
                                           "definitions",
                                           "externalDocs",
                                           "example",
                                           "nullable",
                                           "x-kubernetes-preserve-unknown-fields",
                                           "x-kubernetes-embedded-resource",
                                           "x-kubernetes-int-or-string",
                                           "x-kubernetes-list-map-keys",
                                           "x-kubernetes-list-type",
                                           "x-kubernetes-map-type",
                                           "x-kubernetes-validations"};
const std::set<std::string> kBoolKeys = {"uniqueItems",
                                         "exclusiveMaximum",
                                         "exclusiveMinimum",
                                         "nullable",
                                         "x-kubernetes-preserve-unknown-fields",
                                         "x-kubernetes-embedded-resource",
                                         "x-kubernetes-int-or-string"};
const std::set<std::string> kStringKeys = {"id",
                                           "$schema",
                                           "$ref",
                                           "description",
                                           "type",
                                           "format",
                                           "title",
                                           "pattern",
                                           "x-kubernetes-list-type",
                                           "x-kubernetes-map-type"};
const std::set<std::string> kNumberKeys = {"maximum",    "minimum",       "maxLength",
                                           "minLength",  "maxItems",      "minItems",
                                           "multipleOf", "maxProperties", "minProperties"};
// openapiV3Types in validation.go.
const std::set<std::string> kTypes = {"array", "boolean", "integer", "number", "object", "string"};

struct Errors {
  std::vector<std::string> list;
  void Add(const std::string& path, const std::string& message) { list.push_back(path + ": " + message); }
};

std::string Key(const std::string& path, const std::string& key) { return path + "[" + key + "]"; }
std::string Child(const std::string& path, const std::string& name) { return path + "." + name; }
std::string Index(const std::string& path, size_t i) { return path + "[" + std::to_string(i) + "]"; }

bool Flag(const json& s, const char* key) {
  return s.contains(key) && s[key].is_boolean() && s[key].get<bool>();
}
std::string Type(const json& s) {
  return s.contains("type") && s["type"].is_string() ? s["type"].get<std::string>() : "";
}
const json& Properties(const json& s) {
  static const json kNone = json::object();
  return s.contains("properties") ? s["properties"] : kNone;
}

// ---- 1. Decoding into JSONSchemaProps (a failure here is a 400 before any validation runs). ----
void Decode(const json& s, const std::string& path, Errors& errors) {
  if (!s.is_object()) {
    errors.Add(path, "must be a schema object");
    return;
  }
  for (const auto& [key, value] : s.items()) {
    const std::string at = Child(path, key);
    if (!kSchemaKeys.count(key)) {
      errors.Add(at, "unknown field (not in apiextensions.k8s.io/v1 JSONSchemaProps)");
    } else if (key == "type" && !value.is_string()) {
      errors.Add(at,
                 "must be a string (one type; use x-kubernetes-int-or-string or "
                 "x-kubernetes-preserve-unknown-fields for several)");
    } else if (kBoolKeys.count(key) && !value.is_boolean()) {
      errors.Add(at, "must be a boolean");
    } else if (kStringKeys.count(key) && !value.is_string()) {
      errors.Add(at, "must be a string");
    } else if (kNumberKeys.count(key) && !value.is_number()) {
      errors.Add(at, "must be a number");
    } else if (key == "required" &&
               !(value.is_array() &&
                 std::all_of(value.begin(), value.end(), [](const json& v) { return v.is_string(); }))) {
      errors.Add(at, "must be a list of strings");
    } else if (key == "enum" && !value.is_array()) {
      errors.Add(at, "must be a list");
    } else if (key == "additionalProperties") {
      if (value.is_object()) {
        Decode(value, at, errors);
      } else if (!value.is_boolean()) {
        errors.Add(at, "must be a boolean or a schema");
      }
    } else if (key == "items") {
      if (value.is_array()) {
        for (size_t i = 0; i < value.size(); ++i) Decode(value[i], Index(at, i), errors);
      } else {
        Decode(value, at, errors);
      }
    } else if (key == "not") {
      Decode(value, at, errors);
    } else if (key == "allOf" || key == "anyOf" || key == "oneOf") {
      if (!value.is_array()) {
        errors.Add(at, "must be a list of schemas");
      } else {
        for (size_t i = 0; i < value.size(); ++i) Decode(value[i], Index(at, i), errors);
      }
    } else if (key == "properties" || key == "patternProperties" || key == "definitions") {
      if (!value.is_object()) {
        errors.Add(at, "must be a map of schemas");
      } else {
        for (const auto& [name, sub] : value.items()) Decode(sub, Key(at, name), errors);
      }
    }
  }
}

// ---- 2. validation.go: ValidateCustomResourceDefinitionOpenAPISchema + specStandardValidatorV3.validate
// ----
struct StandardContext {
  bool allow_defaults = true;
  std::string defaults_reason;
  bool inside_resource_meta = false;
};

void Standard(const json& s, const std::string& path, StandardContext ctx, bool is_root, Errors& errors) {
  const std::string type = Type(s);
  if (!type.empty() && !kTypes.count(type)) {
    if (type == "null") {
      errors.Add(Child(path, "type"),
                 "Forbidden: type cannot be set to null, use nullable as an alternative");
    } else {
      errors.Add(Child(path, "type"),
                 "Unsupported value: \"" + type +
                     "\": supported values: \"array\", \"boolean\", \"integer\", \"number\", "
                     "\"object\", \"string\"");
    }
  }
  if (s.contains("default") && !ctx.allow_defaults) {
    errors.Add(Child(path, "default"), "Forbidden: must not be set " + ctx.defaults_reason);
  }
  for (const char* unsupported :
       {"id", "additionalItems", "patternProperties", "definitions", "dependencies"}) {
    if (s.contains(unsupported)) {
      errors.Add(Child(path, unsupported), std::string("Forbidden: ") + unsupported + " is not supported");
    }
  }
  if (s.contains("$ref")) errors.Add(Child(path, "$ref"), "Forbidden: $ref is not supported");
  if (Flag(s, "uniqueItems")) {
    errors.Add(Child(path, "uniqueItems"),
               "Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic");
  }
  if (s.contains("additionalProperties")) {
    const json& additional = s["additionalProperties"];
    if (!Properties(s).empty() && (additional.is_object() || additional == false)) {
      errors.Add(Child(path, "additionalProperties"),
                 "Forbidden: additionalProperties and properties are mutual exclusive");
    }
    if (additional.is_object()) {
      StandardContext sub = ctx;
      if (ctx.inside_resource_meta) {
        sub.allow_defaults = false;
        sub.defaults_reason = "inside additionalProperties applying to object metadata";
      }
      Standard(additional, Child(path, "additionalProperties"), sub, false, errors);
    }
  }
  for (const auto& [name, sub_schema] : Properties(s).items()) {
    StandardContext sub = ctx;
    if ((is_root || Flag(s, "x-kubernetes-embedded-resource")) &&
        (name == "metadata" || name == "kind" || name == "apiVersion")) {
      sub.inside_resource_meta = true;
      if (is_root) {
        sub.allow_defaults = false;
        sub.defaults_reason = "in top-level " + name;
      }
    }
    Standard(sub_schema, Key(Child(path, "properties"), name), sub, false, errors);
  }
  if (s.contains("not")) Standard(s["not"], Child(path, "not"), ctx, false, errors);
  for (const char* junctor : {"allOf", "oneOf", "anyOf"}) {
    if (!s.contains(junctor)) continue;
    for (size_t i = 0; i < s[junctor].size(); ++i)
      Standard(s[junctor][i], Index(Child(path, junctor), i), ctx, false, errors);
  }
  if (s.contains("items")) {
    if (s["items"].is_array()) {
      errors.Add(Child(path, "items"), "Forbidden: items must be a schema object and not an array");
    } else {
      Standard(s["items"], Child(path, "items"), ctx, false, errors);
    }
  }
  if (s.contains("x-kubernetes-preserve-unknown-fields") &&
      s["x-kubernetes-preserve-unknown-fields"] == false) {
    errors.Add(Child(path, "x-kubernetes-preserve-unknown-fields"),
               "Invalid value: false: must be true or undefined");
  }
  if (s.contains("x-kubernetes-map-type") && type != "object") {
    errors.Add(Child(path, "type"), "must be object if x-kubernetes-map-type is specified");
  }
  if (s.contains("x-kubernetes-list-type") && type != "array") {
    errors.Add(Child(path, "type"), "must be array if x-kubernetes-list-type is specified");
  }
  if (s.contains("x-kubernetes-list-map-keys") && s.value("x-kubernetes-list-type", "") != "map") {
    errors.Add(Child(path, "x-kubernetes-list-type"),
               "must be map if x-kubernetes-list-map-keys is non-empty");
  }
  if (ctx.inside_resource_meta && Flag(s, "x-kubernetes-embedded-resource")) {
    errors.Add(Child(path, "x-kubernetes-embedded-resource"),
               "Forbidden: must not be used inside of resource meta");
  }
}

// ---- 3. schema/validation.go: ValidateStructural ----
// Go's regexp is RE2: no lookaround, no backreferences. std::regex (ECMAScript) checks the rest.
bool CompilesAsRe2(const std::string& pattern) {
  static const std::regex kNotRe2(R"(\(\?[=!<]|\\[1-9])");
  if (std::regex_search(pattern, kNotRe2)) return false;
  try {
    std::regex compiled(pattern);
    return true;
  } catch (const std::regex_error&) {
    return false;
  }
}

bool IsIntOrStringAnyOf(const json& any_of) {
  return any_of.is_array() && any_of == json::array({json{{"type", "integer"}}, json{{"type", "string"}}});
}

void ValueValidation(const json& v, bool skip_any_of, bool skip_first_all_of_any_of, const std::string& path,
                     Errors& errors);

void NestedValueValidation(const json& v, bool skip_any_of, bool skip_all_of_any_of, const std::string& path,
                           Errors& errors) {
  ValueValidation(v, skip_any_of, skip_all_of_any_of, path, errors);
  if (v.contains("items") && v["items"].is_object())
    NestedValueValidation(v["items"], false, false, Child(path, "items"), errors);
  for (const auto& [name, sub] : Properties(v).items())
    NestedValueValidation(sub, false, false, Key(Child(path, "properties"), name), errors);
  if (v.contains("type")) errors.Add(Child(path, "type"), "Forbidden: must be empty to be structural");
  if (v.contains("additionalProperties")) {
    errors.Add(Child(path, "additionalProperties"), "Forbidden: must be undefined to be structural");
  }
  if (v.contains("default"))
    errors.Add(Child(path, "default"), "Forbidden: must be undefined to be structural");
  if (v.contains("title")) errors.Add(Child(path, "title"), "Forbidden: must be empty to be structural");
  if (v.contains("description"))
    errors.Add(Child(path, "description"), "Forbidden: must be empty to be structural");
  if (Flag(v, "nullable")) errors.Add(Child(path, "nullable"), "Forbidden: must be false to be structural");
  for (const char* flag : {"x-kubernetes-preserve-unknown-fields", "x-kubernetes-embedded-resource",
                           "x-kubernetes-int-or-string"}) {
    if (Flag(v, flag)) errors.Add(Child(path, flag), "Forbidden: must be false to be structural");
  }
  for (const char* key : {"x-kubernetes-list-map-keys", "x-kubernetes-list-type", "x-kubernetes-map-type",
                          "x-kubernetes-validations"}) {
    if (v.contains(key)) errors.Add(Child(path, key), "Forbidden: must be undefined to be structural");
  }
  if (Properties(v).contains("metadata")) {
    errors.Add(Key(Child(path, "properties"), "metadata"),
               "Forbidden: must not be specified in a nested context");
  }
}

void ValueValidation(const json& v, bool skip_any_of, bool skip_first_all_of_any_of, const std::string& path,
                     Errors& errors) {
  if (!skip_any_of && v.contains("anyOf")) {
    for (size_t i = 0; i < v["anyOf"].size(); ++i)
      NestedValueValidation(v["anyOf"][i], false, false, Index(Child(path, "anyOf"), i), errors);
  }
  if (v.contains("allOf")) {
    for (size_t i = 0; i < v["allOf"].size(); ++i)
      NestedValueValidation(v["allOf"][i], skip_first_all_of_any_of && i == 0, false,
                            Index(Child(path, "allOf"), i), errors);
  }
  if (v.contains("oneOf")) {
    for (size_t i = 0; i < v["oneOf"].size(); ++i)
      NestedValueValidation(v["oneOf"][i], false, false, Index(Child(path, "oneOf"), i), errors);
  }
  if (v.contains("not")) NestedValueValidation(v["not"], false, false, Child(path, "not"), errors);
  if (v.contains("pattern") && !CompilesAsRe2(v["pattern"].get<std::string>())) {
    errors.Add(Child(path, "pattern"), "Invalid value: must be a valid regular expression");
  }
}

void StructuralMetadata(const json& metadata, bool check_metadata, Level level, const std::string& path,
                        Errors& errors) {
  if (check_metadata && Type(metadata) != "object") {
    errors.Add(Child(path, "type"), "Invalid value: \"" + Type(metadata) + "\": must be object");
  }
  if (level != Level::kRoot) return;
  // Once name/generateName (and nothing else) are cleared from properties, and type and default dropped,
  // nothing may remain: a description, required, additionalProperties, other properties...
  bool extra = false;
  for (const auto& [key, value] : metadata.items()) {
    if (key == "type" || key == "default") continue;
    if (key == "properties") {
      size_t known = value.contains("name") + value.contains("generateName");
      if (known == value.size()) continue;
    }
    extra = true;
  }
  if (extra) {
    errors.Add(
        path,
        "Forbidden: must not specify anything other than name and generateName, but metadata is implicitly "
        "specified");
  }
}

void StructuralInvariants(const json& s, Level level, const std::string& path, Errors& errors) {
  const std::string type = Type(s);
  if (type == "array" && !s.contains("items"))
    errors.Add(Child(path, "items"), "Required value: must be specified");
  if (s.contains("items") && s["items"].is_object())
    StructuralInvariants(s["items"], Level::kItem, Child(path, "items"), errors);
  for (const auto& [name, sub] : Properties(s).items())
    StructuralInvariants(sub, Level::kField, Key(Child(path, "properties"), name), errors);
  if (s.contains("additionalProperties")) {
    if (level == Level::kRoot)
      errors.Add(Child(path, "additionalProperties"), "Forbidden: must not be used at the root");
    if (s["additionalProperties"].is_object()) {
      StructuralInvariants(s["additionalProperties"], Level::kField, Child(path, "additionalProperties"),
                           errors);
    }
  }
  const bool int_or_string = Flag(s, "x-kubernetes-int-or-string");
  const bool preserve = Flag(s, "x-kubernetes-preserve-unknown-fields");
  const bool embedded = Flag(s, "x-kubernetes-embedded-resource");
  if (int_or_string && preserve) {
    errors.Add(Child(path, "x-kubernetes-preserve-unknown-fields"),
               "Invalid value: true: must be false if x-kubernetes-int-or-string is true");
  }
  if (int_or_string && embedded) {
    errors.Add(Child(path, "x-kubernetes-embedded-resource"),
               "Invalid value: true: must be false if x-kubernetes-int-or-string is true");
  }
  const bool skip_any_of = s.contains("anyOf") && IsIntOrStringAnyOf(s["anyOf"]);
  const bool skip_first_all_of_any_of = s.contains("allOf") && s["allOf"].is_array() && !s["allOf"].empty() &&
                                        s["allOf"][0].contains("anyOf") &&
                                        IsIntOrStringAnyOf(s["allOf"][0]["anyOf"]);
  ValueValidation(s, skip_any_of, skip_first_all_of_any_of, path, errors);

  const bool check_metadata = level == Level::kRoot || embedded;
  if (embedded && type != "object") {
    errors.Add(Child(path, "type"), "must be object if x-kubernetes-embedded-resource is true");
  } else if (type.empty() && !int_or_string && !preserve) {
    const char* where = level == Level::kRoot   ? "at the root"
                        : level == Level::kItem ? "for specified array items"
                                                : "for specified object fields";
    errors.Add(Child(path, "type"), std::string("Required value: must not be empty ") + where);
  }
  if (embedded && s.contains("additionalProperties")) {
    errors.Add(Child(path, "additionalProperties"),
               "Forbidden: must not be used if x-kubernetes-embedded-resource is set");
  }
  if (level == Level::kRoot && !type.empty() && type != "object") {
    errors.Add(Child(path, "type"), "Invalid value: \"" + type + "\": must be object at the root");
  }
  for (const char* meta_string : {"kind", "apiVersion"}) {
    if (check_metadata && Properties(s).contains(meta_string) &&
        Type(Properties(s)[meta_string]) != "string") {
      errors.Add(Child(Key(Child(path, "properties"), meta_string), "type"), "Invalid value: must be string");
    }
  }
  if (Properties(s).contains("metadata")) {
    StructuralMetadata(Properties(s)["metadata"], check_metadata, level,
                       Key(Child(path, "properties"), "metadata"), errors);
  }
  if (embedded && !preserve && Properties(s).empty()) {
    errors.Add(Child(path, "properties"),
               "Required value: must not be empty if x-kubernetes-embedded-resource is true without "
               "x-kubernetes-preserve-unknown-fields");
  }
}

// ---- 4. schema/complete.go: validateStructuralCompleteness ----
void NestedCompleteness(const json& v, const json* s, const std::string& s_path, const std::string& v_path,
                        Errors& errors);

void ValueCompleteness(const json& v, const json* s, const std::string& s_path, const std::string& v_path,
                       Errors& errors) {
  if (v.contains("not")) NestedCompleteness(v["not"], s, s_path, Child(v_path, "not"), errors);
  for (const char* junctor : {"allOf", "anyOf", "oneOf"}) {
    if (!v.contains(junctor)) continue;
    for (size_t i = 0; i < v[junctor].size(); ++i)
      NestedCompleteness(v[junctor][i], s, s_path, Index(Child(v_path, junctor), i), errors);
  }
}

void NestedCompleteness(const json& v, const json* s, const std::string& s_path, const std::string& v_path,
                        Errors& errors) {
  if (!s) {
    errors.Add(s_path, "Required value: because it is defined in " + v_path);
    return;
  }
  ValueCompleteness(v, s, s_path, v_path, errors);
  if (v.contains("items")) {
    const json* items = s->contains("items") ? &(*s)["items"] : nullptr;
    NestedCompleteness(v["items"], items, Child(s_path, "items"), Child(v_path, "items"), errors);
  }
  for (const auto& [name, sub] : Properties(v).items()) {
    const json* field = Properties(*s).contains(name) ? &Properties(*s)[name] : nullptr;
    NestedCompleteness(sub, field, Key(Child(s_path, "properties"), name),
                       Key(Child(v_path, "properties"), name), errors);
  }
}

// validateStructuralCompleteness starts from the root's value validations (and follows their nesting).
void Completeness(const json& s, const std::string& path, Errors& errors) {
  ValueCompleteness(s, &s, path, path, errors);
}

// ---- 5. Defaults: v1 validates each default against its schema (here: its type and declared fields). ----
bool HasType(const json& value, const json& s) {
  if (Flag(s, "x-kubernetes-int-or-string")) return value.is_number_integer() || value.is_string();
  const std::string type = Type(s);
  if (type.empty()) return true;
  if (value.is_null()) return Flag(s, "nullable");
  if (type == "integer") return value.is_number_integer();
  if (type == "number") return value.is_number();
  if (type == "string") return value.is_string();
  if (type == "boolean") return value.is_boolean();
  if (type == "array") return value.is_array();
  return value.is_object();
}

void DefaultValue(const json& value, const json& s, const std::string& path, Errors& errors) {
  if (!HasType(value, s)) {
    errors.Add(path, "Invalid value: " + value.dump() + ": must be of type " + Type(s));
    return;
  }
  if (s.contains("enum") && std::find(s["enum"].begin(), s["enum"].end(), value) == s["enum"].end()) {
    errors.Add(path, "Unsupported value: " + value.dump());
  }
  if (value.is_object()) {
    for (const auto& [key, member] : value.items()) {
      if (Properties(s).contains(key)) {
        DefaultValue(member, Properties(s)[key], Key(path, key), errors);
      } else if (s.contains("additionalProperties") && s["additionalProperties"].is_object()) {
        DefaultValue(member, s["additionalProperties"], Key(path, key), errors);
      } else if (!Flag(s, "x-kubernetes-preserve-unknown-fields")) {
        errors.Add(path, "Invalid value: " + value.dump() + ": must not have fields that would be pruned");
      }
    }
  }
  if (value.is_array() && s.contains("items")) {
    for (size_t i = 0; i < value.size(); ++i) DefaultValue(value[i], s["items"], Index(path, i), errors);
  }
}

void Defaults(const json& s, const std::string& path, Errors& errors) {
  if (s.contains("default")) DefaultValue(s["default"], s, Child(path, "default"), errors);
  for (const auto& [name, sub] : Properties(s).items())
    Defaults(sub, Key(Child(path, "properties"), name), errors);
  if (s.contains("items") && s["items"].is_object()) Defaults(s["items"], Child(path, "items"), errors);
  if (s.contains("additionalProperties") && s["additionalProperties"].is_object()) {
    Defaults(s["additionalProperties"], Child(path, "additionalProperties"), errors);
  }
}

}  // namespace

std::vector<std::string> StructuralSchemaErrors(const json& schema) {
  const std::string root = "openAPIV3Schema";
  Errors errors;
  Decode(schema, root, errors);
  if (!errors.list.empty()) return errors.list;  // the apiserver refuses the request before validating
  Standard(schema, root, {}, /*is_root=*/true, errors);
  StructuralInvariants(schema, Level::kRoot, root, errors);
  Completeness(schema, root, errors);
  Defaults(schema, root, errors);
  std::sort(errors.list.begin(), errors.list.end());
  return errors.list;
}

std::vector<std::string> CrdErrors(const json& crd) {
  Errors errors;
  if (crd.value("apiVersion", "") != "apiextensions.k8s.io/v1")
    errors.Add("apiVersion", "must be apiextensions.k8s.io/v1");
  if (crd.value("kind", "") != "CustomResourceDefinition")
    errors.Add("kind", "must be CustomResourceDefinition");
  const json spec = crd.value("spec", json::object());
  const json names = spec.value("names", json::object());
  const std::string group = spec.value("group", "");
  const std::string plural = names.value("plural", "");
  if (group.empty()) errors.Add("spec.group", "Required value");
  if (plural.empty()) errors.Add("spec.names.plural", "Required value");
  if (names.value("kind", "").empty()) errors.Add("spec.names.kind", "Required value");
  const std::string name = crd.value("metadata", json::object()).value("name", "");
  if (name != plural + "." + group)
    errors.Add("metadata.name",
               "Invalid value: \"" + name + "\": must be spec.names.plural+\".\"+spec.group");
  const std::string scope = spec.value("scope", "");
  if (scope != "Cluster" && scope != "Namespaced")
    errors.Add("spec.scope", "Unsupported value: \"" + scope + "\"");
  const json versions = spec.value("versions", json::array());
  if (versions.empty())
    errors.Add("spec.versions", "Required value: must have exactly one version marked as storage version");
  size_t storage = 0;
  for (size_t i = 0; i < versions.size(); ++i) {
    const json& v = versions[i];
    const std::string at = Index("spec.versions", i);
    if (v.value("storage", false)) ++storage;
    if (!v.contains("served") || !v["served"].is_boolean()) errors.Add(Child(at, "served"), "Required value");
    if (!v.contains("schema") || !v["schema"].contains("openAPIV3Schema")) {
      errors.Add(Child(Child(at, "schema"), "openAPIV3Schema"), "Required value: schemas are required");
      continue;
    }
    for (const std::string& e : StructuralSchemaErrors(v["schema"]["openAPIV3Schema"]))
      errors.list.push_back(Child(Child(at, "schema"), e));
  }
  if (!versions.empty() && storage != 1)
    errors.Add("spec.versions", "Invalid value: must have exactly one version marked as storage version");
  return errors.list;
}

}  // namespace swarmop::crds::testing
