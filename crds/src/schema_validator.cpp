// The only translation unit that includes valijson (it is heavy to compile).
#include "schema_validator.h"

#include <array>
#include <memory>
#include <stdexcept>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include "embedded_crds.h"
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

// A broken embedded CRD is a build defect, not a user error: fail loudly.
nlohmann::json ExtractOpenApiSchema(Kind kind) {
  YamlParseResult parsed = ParseYaml("crd", CrdText(kind));
  if (!parsed.errors.empty() || parsed.documents.size() != 1) {
    throw std::logic_error(std::string("embedded CRD for ") + KindName(kind) + " does not parse");
  }
  return parsed.documents[0].value.at("spec").at("versions").at(0).at("schema").at("openAPIV3Schema");
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
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(document);
  std::vector<SchemaViolation> out;
  if (validator.validate(Compiled(kind).compiled, target, &results)) return out;
  valijson::ValidationResults::Error error;
  while (results.popError(error)) out.push_back({StripContext(error.context), error.description});
  return out;
}

}  // namespace swarmop::crds::internal
