// The only test file that includes valijson (heavy to compile).
#include "kong_schema_check.h"

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include "yaml_to_json.h"  // crds' YAML reader (crds/src): the same YAML 1.2 core reading as specs get

namespace swarmop::reconciler::testing {
namespace {

const std::string kSchemaPath =
    std::string(SWARMOP_SOURCE_DIR) + "/tests/third-party/kong/kong_json_schema.json";

struct CompiledSchema {
  nlohmann::json document;
  valijson::Schema schema;
};

const CompiledSchema& KongSchema() {
  static const CompiledSchema* compiled = [] {
    std::ifstream in(kSchemaPath);
    if (!in) throw std::runtime_error("cannot read " + kSchemaPath);
    auto* out = new CompiledSchema;
    out->document = nlohmann::json::parse(in);
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft4);
    valijson::adapters::NlohmannJsonAdapter adapter(out->document);
    parser.populateSchema(adapter, out->schema);
    return out;
  }();
  return *compiled;
}

}  // namespace

std::vector<std::string> KongSchemaViolations(const std::string& kong_yaml) {
  crds::internal::YamlParseResult parsed = crds::internal::ParseYaml("kong.yml", kong_yaml);
  if (!parsed.errors.empty()) return {"YAML: " + parsed.errors[0].ToString()};
  if (parsed.documents.size() != 1) return {"expected one YAML document"};
  const nlohmann::json& config = parsed.documents[0].value;
  valijson::Validator validator(valijson::Validator::kStrongTypes);
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(config);
  std::vector<std::string> out;
  if (!validator.validate(KongSchema().schema, target, &results)) {
    valijson::ValidationResults::Error error;
    while (results.popError(error)) {
      std::string path;
      for (const std::string& token : error.context) path += token;
      out.push_back(path + ": " + error.description);
    }
  }
  // Not in decK's schema but mandatory for Kong: the format version.
  if (!config.is_object() || config.value("_format_version", "") != "3.0")
    out.push_back("_format_version must be \"3.0\"");
  return out;
}

}  // namespace swarmop::reconciler::testing
