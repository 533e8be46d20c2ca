// YAML text -> JSON values, remembering where every node came from.
//
// Plain (unquoted) scalars become JSON null/bool/int/float following the YAML 1.2 core schema; quoted
// scalars stay strings. Positions are recorded per JSON pointer: for a mapping member the position of its
// key (that is where users look for a field), for a sequence element the element itself.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "swarmop/crds/diagnostic.h"
#include "swarmop/crds/limits.h"
#include "swarmop/crds/model.h"

namespace swarmop::crds::internal {

struct JsonDocument {
  nlohmann::json value;
  std::map<std::string, Position> positions;  // JSON pointer -> position ("" = the document)
  // Problems found while converting (duplicate keys, non-scalar keys); the document is still usable.
  std::vector<Diagnostic> problems;
};

struct YamlParseResult {
  std::vector<JsonDocument> documents;  // empty documents (e.g. a trailing "---") are skipped
  std::vector<Diagnostic> errors;       // YAML syntax errors (then documents is empty)
};

// Every ParseLimits limit is checked; the first one passed ends the parse with one error (and no documents).
// `original_size`: the size of the source when `content` was cut short while reading it (0: it is whole).
YamlParseResult ParseYaml(const std::string& file, const std::string& content, const ParseLimits& limits = {},
                          size_t original_size = 0);

// The JSON type a plain scalar denotes (YAML 1.2 core schema): null, bool, integer, float or string.
nlohmann::json PlainScalarToJson(const std::string& text);

}  // namespace swarmop::crds::internal
