// Values: merging files and --set flags, remembering where each value was written.
#include "values.h"

#include "field_path.h"
#include "yaml_to_json.h"

namespace swarmop::charts::internal {
namespace {

std::string Escape(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

bool Under(const std::string& pointer, const std::string& prefix) {
  return pointer == prefix ||
         (pointer.size() > prefix.size() && pointer.compare(0, prefix.size(), prefix) == 0 &&
          pointer[prefix.size()] == '/');
}

void ForgetUnder(std::map<std::string, Origin>& origins, const std::string& prefix) {
  for (auto it = origins.lower_bound(prefix);
       it != origins.end() && it->first.compare(0, prefix.size(), prefix) == 0;) {
    it = Under(it->first, prefix) ? origins.erase(it) : std::next(it);
  }
}

void MergeObject(nlohmann::json& into, const nlohmann::json& from, const std::string& pointer,
                 const std::map<std::string, crds::Position>& positions, const std::string& file,
                 std::map<std::string, Origin>& origins) {
  for (const auto& [key, value] : from.items()) {
    const std::string child = pointer + "/" + Escape(key);
    if (value.is_null()) {
      into.erase(key);
      ForgetUnder(origins, child);
      continue;
    }
    auto existing = into.find(key);
    if (existing != into.end() && existing->is_object() && value.is_object()) {
      auto at = positions.find(child);
      if (at != positions.end()) origins[child] = {file, at->second.line, at->second.column};
      MergeObject(*existing, value, child, positions, file, origins);
      continue;
    }
    into[key] = value;
    ForgetUnder(origins, child);
    for (auto it = positions.lower_bound(child); it != positions.end(); ++it) {
      if (it->first.compare(0, child.size(), child) != 0) break;
      if (Under(it->first, child)) origins[it->first] = {file, it->second.line, it->second.column};
    }
  }
}

crds::Diagnostic Problem(const Origin& origin, const std::string& field, const std::string& message) {
  crds::Diagnostic d;
  d.file = origin.file;
  d.line = origin.line;
  d.column = origin.column;
  d.field = field;
  d.message = message;
  return d;
}

// "a.b[0].c" -> tokens; false on a malformed path ("a..b", "a[x]").
bool ParseSetPath(const std::string& path, crds::internal::FieldPath& out) {
  std::string key;
  bool escaped = false;
  auto flush = [&]() -> bool {
    if (key.empty()) return false;
    out.push_back({key, false});
    key.clear();
    return true;
  };
  for (size_t i = 0; i < path.size(); ++i) {
    const char c = path[i];
    if (escaped) {
      key += c;
      escaped = false;
    } else if (c == '\\') {
      escaped = true;
    } else if (c == '.') {
      if (!key.empty()) {
        flush();
      } else if (out.empty() || !out.back().is_index) {
        return false;
      }
      if (i + 1 == path.size()) return false;
    } else if (c == '[') {
      if (!key.empty()) flush();
      if (out.empty()) return false;
      const size_t close = path.find(']', i);
      if (close == std::string::npos || close == i + 1) return false;
      const std::string digits = path.substr(i + 1, close - i - 1);
      if (digits.find_first_not_of("0123456789") != std::string::npos) return false;
      out.push_back({digits, true});
      i = close;
    } else {
      key += c;
    }
  }
  if (!key.empty()) flush();
  return !out.empty();
}

nlohmann::json SetValue(const std::string& text) {
  if (text.size() >= 2 && text.front() == '{' && text.back() == '}') {
    nlohmann::json list = nlohmann::json::array();
    const std::string inner = text.substr(1, text.size() - 2);
    size_t start = 0;
    while (!inner.empty() && start <= inner.size()) {
      const size_t comma = inner.find(',', start);
      const std::string item =
          inner.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      list.push_back(crds::internal::PlainScalarToJson(item));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    return list;
  }
  if (text.empty()) return "";
  return crds::internal::PlainScalarToJson(text);
}

}  // namespace

Origin Values::OriginOf(const std::string& pointer) const {
  std::string at = pointer;
  while (true) {
    auto it = origins.find(at);
    if (it != origins.end()) return it->second;
    if (at.empty()) return {};
    at = at.substr(0, at.rfind('/'));
  }
}

void MergeValuesFile(const std::string& path, const std::string& content, Values& values,
                     std::vector<crds::Diagnostic>& errors) {
  crds::internal::YamlParseResult parsed = crds::internal::ParseYaml(path, content);
  if (!parsed.errors.empty()) {
    errors.insert(errors.end(), parsed.errors.begin(), parsed.errors.end());
    return;
  }
  if (parsed.documents.empty()) return;  // an empty file sets nothing
  if (parsed.documents.size() > 1) {
    errors.push_back(
        Problem({path, parsed.documents[1].positions[""].line, parsed.documents[1].positions[""].column}, "",
                "a values file holds one YAML document"));
    return;
  }
  crds::internal::JsonDocument& doc = parsed.documents[0];
  for (const crds::Diagnostic& problem : doc.problems) errors.push_back(problem);
  if (doc.value.is_null()) return;
  if (!doc.value.is_object()) {
    errors.push_back(Problem({path, doc.positions[""].line, doc.positions[""].column}, "",
                             "values must be a map of names to values"));
    return;
  }
  if (values.origins.find("") == values.origins.end())
    values.origins[""] = {path, doc.positions[""].line, doc.positions[""].column};
  MergeObject(values.value, doc.value, "", doc.positions, path, values.origins);
}

void MergeSetFlag(const std::string& flag, Values& values, std::vector<crds::Diagnostic>& errors) {
  const Origin origin{"--set " + flag, 0, 0};
  const size_t eq = flag.find('=');
  crds::internal::FieldPath path;
  if (eq == std::string::npos || !ParseSetPath(flag.substr(0, eq), path)) {
    errors.push_back(
        Problem(origin, "", "expected PATH=VALUE, e.g. --set image.tag=1.4.2 or --set sites={a,b}"));
    return;
  }
  nlohmann::json* at = &values.value;
  std::string pointer;
  for (size_t i = 0; i < path.size(); ++i) {
    const crds::internal::PathToken& token = path[i];
    const std::string dotted = crds::internal::ToDotted({path.begin(), path.begin() + i + 1});
    pointer += "/" + Escape(token.key);
    if (token.is_index) {
      if (!at->is_array()) {
        if (!at->is_null()) {
          errors.push_back(Problem(origin, dotted, "is not a list here (it is set to " + at->dump() + ")"));
          return;
        }
        *at = nlohmann::json::array();
      }
      const size_t index = std::stoul(token.key);
      if (index > at->size()) {
        errors.push_back(
            Problem(origin, dotted,
                    "index " + token.key + " is past the end of a list of " + std::to_string(at->size())));
        return;
      }
      if (index == at->size()) at->push_back(nullptr);
      at = &(*at)[index];
    } else {
      if (!at->is_object()) {
        if (!at->is_null()) {
          errors.push_back(Problem(origin, dotted, "is not a map here (it is set to " + at->dump() + ")"));
          return;
        }
        *at = nlohmann::json::object();
      }
      at = &(*at)[token.key];
    }
    if (i + 1 < path.size() && values.origins.find(pointer) == values.origins.end())
      values.origins[pointer] = origin;
  }
  *at = SetValue(flag.substr(eq + 1));
  ForgetUnder(values.origins, pointer);
  values.origins[pointer] = origin;
}

}  // namespace swarmop::charts::internal
