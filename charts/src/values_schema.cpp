// CheckValuesSchema: valijson against the chart's values.schema.json, messages phrased as crds phrases them.
// The only translation unit of charts/ that includes valijson (heavy to compile).
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include "field_path.h"
#include "schema_messages.h"
#include "values.h"

namespace swarmop::charts::internal {
namespace {

std::vector<std::string> StripContext(const std::vector<std::string>& context) {
  std::vector<std::string> out;
  for (const std::string& token : context) {
    if (token == "<root>") continue;
    if (token.size() >= 2 && token.front() == '[' && token.back() == ']') {
      std::string inner = token.substr(1, token.size() - 2);
      if (inner.size() >= 2 && inner.front() == '"' && inner.back() == '"')
        inner = inner.substr(1, inner.size() - 2);
      out.push_back(inner);
    } else {
      out.push_back(token);
    }
  }
  return out;
}

// The schema with local "$ref"s ("#/definitions/x") replaced by what they point at: the message phrasing
// reads expected types and names out of the schema and does not follow references itself.
nlohmann::json InlineRefs(const nlohmann::json& node, const nlohmann::json& root, int expansions = 0) {
  if (node.is_object()) {
    auto ref = node.find("$ref");
    if (ref != node.end() && ref->is_string() && ref->get_ref<const std::string&>().rfind("#/", 0) == 0 &&
        expansions < 16) {
      try {
        const nlohmann::json::json_pointer pointer(ref->get<std::string>().substr(1));
        if (root.contains(pointer)) return InlineRefs(root.at(pointer), root, expansions + 1);
      } catch (const nlohmann::json::exception&) {
        return node;  // a malformed pointer: valijson reports it
      }
    }
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [key, member] : node.items()) out[key] = InlineRefs(member, root, expansions);
    return out;
  }
  if (node.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const nlohmann::json& item : node) out.push_back(InlineRefs(item, root, expansions));
    return out;
  }
  return node;
}

}  // namespace

std::vector<crds::Diagnostic> CheckValuesSchema(const std::string& schema_file,
                                                const std::string& schema_json, const Values& values) {
  std::vector<crds::Diagnostic> out;
  auto schema_problem = [&](const std::string& message) {
    crds::Diagnostic d;
    d.file = schema_file;
    d.message = message;
    out.push_back(d);
    return out;
  };
  nlohmann::json schema = nlohmann::json::parse(schema_json, nullptr, false);
  if (schema.is_discarded() || !schema.is_object()) return schema_problem("not a JSON object (JSON Schema)");
  valijson::Schema compiled;
  try {
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    valijson::adapters::NlohmannJsonAdapter adapter(schema);
    parser.populateSchema(adapter, compiled);
  } catch (const std::exception& e) {
    return schema_problem(std::string("not a usable JSON Schema: ") + e.what());
  }
  valijson::Validator validator(valijson::Validator::kStrongTypes);
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(values.value);
  if (validator.validate(compiled, target, &results)) return out;
  std::vector<crds::internal::SchemaViolation> violations;
  valijson::ValidationResults::Error error;
  while (results.popError(error)) violations.push_back({StripContext(error.context), error.description});
  for (const crds::internal::PhrasedError& e :
       crds::internal::PhraseViolations(InlineRefs(schema, schema), values.value, violations)) {
    crds::internal::FieldPath at = e.path;
    if (e.at_parent && !at.empty()) at.pop_back();
    const Origin origin = values.OriginOf(crds::internal::ToJsonPointer(at));
    crds::Diagnostic d;
    d.file = origin.file;
    d.line = origin.line;
    d.column = origin.column;
    d.field = crds::internal::ToDotted(e.path);
    d.message = e.message;
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace swarmop::charts::internal
