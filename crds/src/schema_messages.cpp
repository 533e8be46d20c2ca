#include "schema_messages.h"

#include <algorithm>
#include <map>
#include <set>

namespace swarmop::crds::internal {
namespace {

using nlohmann::json;

bool StartsWith(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

// valijson reports every enclosing object/array again; only the innermost finding is useful.
bool IsWrapperFinding(const std::string& description) {
  return StartsWith(description, "Failed to validate against schema associated with property") ||
         StartsWith(description, "Failed to validate item #") ||
         StartsWith(description, "Failed to validate against additional properties schema") ||
         StartsWith(description, "Failed to validate against child schema") ||
         StartsWith(description, "Failed to validate against schema associated with");
}

// Context tokens -> a FieldPath, marking array indices by looking at the document.
FieldPath ResolvePath(const json& document, const std::vector<std::string>& context) {
  FieldPath path;
  const json* node = &document;
  for (const std::string& token : context) {
    bool is_array = node && node->is_array();
    path.push_back({token, is_array});
    if (!node) continue;
    if (is_array) {
      size_t i = std::stoul(token);
      node = i < node->size() ? &(*node)[i] : nullptr;
    } else if (node->is_object() && node->contains(token)) {
      node = &(*node)[token];
    } else {
      node = nullptr;
    }
  }
  return path;
}

const json* ValueAt(const json& document, const FieldPath& path) {
  const json* node = &document;
  for (const PathToken& token : path) {
    if (token.is_index && node->is_array() && std::stoul(token.key) < node->size()) {
      node = &(*node)[std::stoul(token.key)];
    } else if (!token.is_index && node->is_object() && node->contains(token.key)) {
      node = &(*node)[token.key];
    } else {
      return nullptr;
    }
  }
  return node;
}

const json* SubschemaAt(const json& schema, const FieldPath& path) {
  const json* node = &schema;
  for (const PathToken& token : path) {
    if (token.is_index && node->contains("items")) {
      node = &(*node)["items"];
    } else if (node->contains("properties") && (*node)["properties"].contains(token.key)) {
      node = &(*node)["properties"][token.key];
    } else if (node->contains("additionalProperties") && (*node)["additionalProperties"].is_object()) {
      node = &(*node)["additionalProperties"];
    } else {
      return nullptr;
    }
  }
  return node;
}

std::string TypeNoun(const std::string& type) {
  static const std::map<std::string, std::string> kNouns = {
      {"integer", "an integer"}, {"number", "a number"}, {"string", "a string"}, {"boolean", "a boolean"},
      {"object", "a mapping"},   {"array", "a list"},    {"null", "null"}};
  auto it = kNouns.find(type);
  return it == kNouns.end() ? type : it->second;
}

std::string ExpectedTypes(const json& subschema) {
  const json& type = subschema["type"];
  if (type.is_string()) {
    return type == "boolean" ? std::string("true or false") : TypeNoun(type.get<std::string>());
  }
  std::string out;
  for (size_t i = 0; i < type.size(); ++i) {
    if (i > 0) out += (i + 1 == type.size()) ? " or " : ", ";
    out += TypeNoun(type[i].get<std::string>());
  }
  return out;
}

std::string Shown(const json& value) {
  std::string text = value.dump();
  if (text.size() > 60) text = text.substr(0, 56) + "...\"";
  return text;
}

std::string JoinValues(const json& values) {
  std::string out;
  for (const json& v : values) {
    if (!out.empty()) out += ", ";
    out += v.is_string() ? v.get<std::string>() : v.dump();
  }
  return out;
}

std::string Number(const json& n) {
  return n.is_number_integer() ? std::to_string(n.get<int64_t>()) : n.dump();
}

// Why a value fails a pattern, in words, for the patterns the CRDs use.
std::string PatternMessage(const std::string& pattern, const json& value) {
  static const std::map<std::string, std::string> kExplanations = {
      {"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$",
       "is not a valid name (lowercase letters, digits and '-', starting and ending with a letter or digit)"},
      {"^([0-9]+(\\.[0-9]+)?(ns|us|ms|s|m|h))+$", "is not a duration (write e.g. 500ms, 10s, 1m30s, 1h)"},
      {"^[0-9]+(\\.[0-9]+)?(k|M|G|T|Ki|Mi|Gi|Ti)?$",
       "is not a memory size (write e.g. 512Mi, 1Gi, 1G or a number of bytes)"},
      {"^/", "must start with \"/\""},
      {"^(tcp|unix|ssh)://.+$", "is not an engine address (write e.g. tcp://10.20.0.10:2376)"},
      {"^[0-9]{1,3}(\\.[0-9]{1,3}){3}/[0-9]{1,2}$",
       "is not a subnet in CIDR notation (write e.g. 10.20.0.0/24)"},
      {"^(-1|[0-9]+(kB|MB|GB|TB)?)$", "is not a WAL size (write e.g. 10GB, 512MB, or -1 for no limit)"},
      {"^https?://", "is not an http(s) URL"},
  };
  auto it = kExplanations.find(pattern);
  std::string why = it == kExplanations.end() ? "does not match the pattern " + pattern : it->second;
  return Shown(value) + " " + why;
}

std::vector<std::string> PropertyNames(const json& subschema) {
  std::vector<std::string> names;
  if (!subschema.contains("properties")) return names;
  for (const auto& [name, _] : subschema["properties"].items()) names.push_back(name);
  return names;
}

std::string QuotedName(const std::string& description) {
  size_t last = description.rfind('\'');
  size_t first = last == std::string::npos ? last : description.rfind('\'', last - 1);
  if (first == std::string::npos) return "";
  return description.substr(first + 1, last - first - 1);
}

PhrasedError UnknownField(const json& subschema, FieldPath path, const std::string& description) {
  std::string name = QuotedName(description);
  std::vector<std::string> known = PropertyNames(subschema);
  std::string suggestion = ClosestMatch(name, known);
  std::string hint;
  if (!suggestion.empty()) {
    hint = "did you mean \"" + suggestion + "\"?";
  } else {
    hint = "known fields: ";
    for (size_t i = 0; i < known.size(); ++i) hint += (i ? ", " : "") + known[i];
  }
  return {Child(std::move(path), name), "unknown field (" + hint + ")", false};
}

PhrasedError Phrase(const json& schema, const json& document, const SchemaViolation& violation) {
  FieldPath path = ResolvePath(document, violation.context);
  const std::string& d = violation.description;
  const json* sub = SubschemaAt(schema, path);
  const json* value = ValueAt(document, path);
  if (!sub || !value) return {path, d};
  const json& s = *sub;
  if (StartsWith(d, "Object contains a property that could not be validated"))
    return UnknownField(s, path, d);
  if (StartsWith(d, "Missing required property")) {
    return {Child(path, QuotedName(d)), "required field is missing", true};
  }
  if (StartsWith(d, "Value type not permitted") && s.contains("type")) {
    return {path, "must be " + ExpectedTypes(s) + ", got " + DescribeValue(*value)};
  }
  if (StartsWith(d, "Failed to match against any enum values") && s.contains("enum")) {
    if (s["enum"].size() == 1) return {path, "must be " + JoinValues(s["enum"])};
    return {path, Shown(*value) + " is not one of " + JoinValues(s["enum"])};
  }
  if (StartsWith(d, "Expected number greater") && s.contains("minimum")) {
    return {path, "must be at least " + Number(s["minimum"]) + ", got " + Number(*value)};
  }
  if (StartsWith(d, "Expected number less") && s.contains("maximum")) {
    return {path, "must be at most " + Number(s["maximum"]) + ", got " + Number(*value)};
  }
  if (StartsWith(d, "Failed to match regex") && s.contains("pattern")) {
    return {path, PatternMessage(s["pattern"].get<std::string>(), *value)};
  }
  if (StartsWith(d, "String should be no more than") && s.contains("maxLength") && value->is_string()) {
    return {path, "is " + std::to_string(value->get<std::string>().size()) + " characters long, at most " +
                      Number(s["maxLength"]) + " allowed"};
  }
  if (StartsWith(d, "String should be no fewer than")) return {path, "must not be empty"};
  if (StartsWith(d, "Array should contain no fewer than") && s.contains("minItems")) {
    return {path, "must list at least " + Number(s["minItems"]) + " item(s)"};
  }
  if (StartsWith(d, "Object should have no fewer than") && s.contains("minProperties")) {
    return {path, "must have at least " + Number(s["minProperties"]) + " entry"};
  }
  return {path, d};
}

size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      bool same = std::tolower(a[i - 1]) == std::tolower(b[j - 1]);
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string ClosestMatch(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_distance = std::max<size_t>(2, word.size() / 3) + 1;
  for (const std::string& candidate : candidates) {
    size_t d = EditDistance(word, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  return best;
}

std::string DescribeValue(const json& value) {
  switch (value.type()) {
    case json::value_t::null:
      return "an empty value";
    case json::value_t::boolean:
      return "boolean " + value.dump();
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return "integer " + value.dump();
    case json::value_t::number_float:
      return "number " + value.dump();
    case json::value_t::string:
      return "string " + Shown(value);
    case json::value_t::array:
      return "a list";
    case json::value_t::object:
      return "a mapping";
    default:
      return "an unsupported value";
  }
}

std::vector<PhrasedError> PhraseViolations(const json& schema, const json& document,
                                           const std::vector<SchemaViolation>& violations) {
  std::vector<PhrasedError> out;
  std::set<std::pair<std::string, std::string>> seen;
  for (const SchemaViolation& violation : violations) {
    if (IsWrapperFinding(violation.description)) continue;
    PhrasedError error = Phrase(schema, document, violation);
    if (seen.insert({ToJsonPointer(error.path), error.message}).second) out.push_back(std::move(error));
  }
  return out;
}

}  // namespace swarmop::crds::internal
