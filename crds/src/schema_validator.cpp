// The only translation unit that includes valijson (it is heavy to compile).
#include "schema_validator.h"

#include <algorithm>
#include <array>
#include <memory>
#include <optional>
#include <stdexcept>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include "embedded_crds.h"
#include "strict_schema.h"
#include "yaml_to_json.h"

namespace swarmop::crds::internal {
namespace {

struct CompiledKind {
  nlohmann::json schema;
  valijson::Schema compiled;
};

const char* CrdText(Kind kind) {
  switch (kind) {
    case Kind::kSite:
      return kSiteCrd;
    case Kind::kService:
      return kServiceCrd;
    case Kind::kReplication:
      return kReplicationCrd;
  }
  return "";
}

// A broken embedded CRD is a build defect, not a user error: fail loudly. The CRD is structural (what a
// Kubernetes apiserver accepts); swarmop validates against the strict schema derived from it.
nlohmann::json ExtractOpenApiSchema(Kind kind) {
  YamlParseResult parsed = ParseYaml("crd", CrdText(kind));
  if (!parsed.errors.empty() || parsed.documents.size() != 1) {
    throw std::logic_error(std::string("embedded CRD for ") + KindName(kind) + " does not parse");
  }
  return StrictSchemaFromStructural(
      kind, parsed.documents[0].value.at("spec").at("versions").at(0).at("schema").at("openAPIV3Schema"));
}

std::unique_ptr<CompiledKind> Compile(Kind kind) {
  auto out = std::make_unique<CompiledKind>();
  out->schema = ExtractOpenApiSchema(kind);
  valijson::SchemaParser parser;
  valijson::adapters::NlohmannJsonAdapter adapter(out->schema);
  parser.populateSchema(adapter, out->compiled);
  return out;
}

const CompiledKind& Compiled(Kind kind) {
  // Function-local static: initialised once, thread-safe (C++11 magic statics).
  static const std::array<std::unique_ptr<CompiledKind>, 3> kCompiled = {
      Compile(Kind::kSite), Compile(Kind::kService), Compile(Kind::kReplication)};
  return *kCompiled[static_cast<size_t>(kind)];
}

// libstdc++'s std::regex (valijson's `pattern`) recurses once per character it repeats over: a long string
// checked against a pattern overflows the stack (a 4 MB metadata.name crashed `swarmop validate`). No field
// with a pattern (names, durations, memory sizes, paths) is ever this long, so longer strings are refused
// here, and valijson checks a short stand-in instead.
constexpr size_t kMaxPatternInput = 1024;

struct LongPatternString {
  std::vector<std::string> context;  // as valijson reports it, without "<root>" and brackets
  size_t bytes;
};

void FindLongPatternStrings(const nlohmann::json& schema, const nlohmann::json& value,
                            std::vector<std::string>& context, std::vector<LongPatternString>& out) {
  if (!schema.is_object()) return;
  for (const char* branch : {"allOf", "anyOf", "oneOf"}) {
    auto it = schema.find(branch);
    if (it == schema.end() || !it->is_array()) continue;
    for (const nlohmann::json& sub : *it) FindLongPatternStrings(sub, value, context, out);
  }
  if (value.is_string()) {
    const size_t bytes = value.get_ref<const std::string&>().size();
    if (bytes > kMaxPatternInput && schema.contains("pattern")) out.push_back({context, bytes});
  } else if (value.is_object()) {
    auto properties = schema.find("properties");
    auto additional = schema.find("additionalProperties");
    for (const auto& [key, member] : value.items()) {
      const nlohmann::json* sub = nullptr;
      if (properties != schema.end() && properties->is_object() && properties->contains(key)) {
        sub = &(*properties)[key];
      } else if (additional != schema.end() && additional->is_object()) {
        sub = &*additional;
      }
      if (!sub) continue;
      context.push_back(key);
      FindLongPatternStrings(*sub, member, context, out);
      context.pop_back();
    }
  } else if (value.is_array()) {
    auto items = schema.find("items");
    if (items == schema.end()) return;
    for (size_t i = 0; i < value.size(); ++i) {
      context.push_back(std::to_string(i));
      FindLongPatternStrings(*items, value[i], context, out);
      context.pop_back();
    }
  }
}

// The document with every too-long pattern string replaced by "" (a short stand-in; the error is ours).
nlohmann::json WithStandIns(const nlohmann::json& document, const std::vector<LongPatternString>& strings) {
  nlohmann::json copy = document;
  for (const LongPatternString& s : strings) {
    nlohmann::json* at = &copy;
    for (const std::string& token : s.context)
      at = at->is_array() ? &(*at)[std::stoul(token)] : &(*at)[token];
    *at = "";
  }
  return copy;
}

std::vector<std::string> StripContext(const std::vector<std::string>& context) {
  std::vector<std::string> out;
  for (const std::string& token : context) {
    if (token == "<root>") continue;
    if (token.size() >= 2 && token.front() == '[' && token.back() == ']') {
      out.push_back(token.substr(1, token.size() - 2));
    } else {
      out.push_back(token);
    }
  }
  return out;
}

}  // namespace

const nlohmann::json& OpenApiSchema(Kind kind) { return Compiled(kind).schema; }

std::vector<SchemaViolation> ValidateAgainstSchema(Kind kind, const nlohmann::json& document) {
  // One validator per thread: it caches compiled regexes (patterns), which are costly to rebuild per
  // document.
  thread_local valijson::Validator validator(valijson::Validator::kStrongTypes);
  std::vector<SchemaViolation> out;
  std::vector<LongPatternString> long_strings;
  std::vector<std::string> context;
  FindLongPatternStrings(Compiled(kind).schema, document, context, long_strings);
  std::optional<nlohmann::json> capped;
  if (!long_strings.empty()) capped = WithStandIns(document, long_strings);
  for (const LongPatternString& s : long_strings) {
    out.push_back({s.context, "a string of " + std::to_string(s.bytes) + " bytes exceeds the limit of " +
                                  std::to_string(kMaxPatternInput) +
                                  " bytes for a value checked by a pattern"});
  }
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(capped ? *capped : document);
  if (validator.validate(Compiled(kind).compiled, target, &results)) return out;
  valijson::ValidationResults::Error error;
  while (results.popError(error)) {
    std::vector<std::string> context = StripContext(error.context);
    bool stand_in = std::any_of(long_strings.begin(), long_strings.end(),
                                [&](const LongPatternString& s) { return s.context == context; });
    if (!stand_in) out.push_back({std::move(context), error.description});
  }
  return out;
}

}  // namespace swarmop::crds::internal
