#include "yaml_to_json.h"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstdlib>

#include "field_path.h"

namespace swarmop::crds::internal {
namespace {

using nlohmann::json;

Position ToPosition(const YAML::Mark& mark) {
  if (mark.line < 0) return {};
  return {mark.line + 1, mark.column + 1};
}

bool IsNullText(const std::string& t) {
  return t.empty() || t == "~" || t == "null" || t == "Null" || t == "NULL";
}

std::optional<bool> BoolText(const std::string& t) {
  if (t == "true" || t == "True" || t == "TRUE") return true;
  if (t == "false" || t == "False" || t == "FALSE") return false;
  return std::nullopt;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Counts the digits starting at `pos` and moves past them.
size_t SkipDigits(const std::string& t, size_t& pos) {
  size_t start = pos;
  while (pos < t.size() && IsDigit(t[pos])) ++pos;
  return pos - start;
}

size_t SkipSign(const std::string& t, size_t pos) {
  return pos < t.size() && (t[pos] == '-' || t[pos] == '+') ? pos + 1 : pos;
}

std::optional<int64_t> IntText(const std::string& t) {
  // [-+]?[0-9]+ only: the core schema's 0o/0x forms are rare in manifests and surprising when they occur.
  size_t pos = SkipSign(t, 0);
  if (SkipDigits(t, pos) == 0 || pos != t.size()) return std::nullopt;
  errno = 0;
  long long v = std::strtoll(t.c_str(), nullptr, 10);
  if (errno == ERANGE) return std::nullopt;
  return v;
}

std::optional<double> FloatText(const std::string& t) {
  // [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
  size_t pos = SkipSign(t, 0);
  size_t digits = SkipDigits(t, pos);
  if (pos < t.size() && t[pos] == '.') digits += SkipDigits(t, ++pos);
  if (digits == 0) return std::nullopt;
  if (pos < t.size() && (t[pos] == 'e' || t[pos] == 'E')) {
    pos = SkipSign(t, pos + 1);
    if (SkipDigits(t, pos) == 0) return std::nullopt;
  }
  if (pos != t.size()) return std::nullopt;
  return std::strtod(t.c_str(), nullptr);
}

bool IsStringTag(const std::string& tag) { return tag == "!" || tag == "tag:yaml.org,2002:str"; }

class Converter {
 public:
  Converter(const std::string& file, JsonDocument& doc) : file_(file), doc_(doc) {}

  json Convert(const YAML::Node& node, const FieldPath& path) {
    switch (node.Type()) {
      case YAML::NodeType::Map:
        return ConvertMap(node, path);
      case YAML::NodeType::Sequence:
        return ConvertSequence(node, path);
      case YAML::NodeType::Scalar:
        // yaml-cpp tags quoted scalars "!", plain ones "?"; an explicit !!str also keeps the text.
        return IsStringTag(node.Tag()) ? json(node.Scalar()) : PlainScalarToJson(node.Scalar());
      default:
        return nullptr;
    }
  }

 private:
  json ConvertMap(const YAML::Node& node, const FieldPath& path) {
    json out = json::object();
    for (const auto& member : node) {
      const YAML::Node& key = member.first;
      FieldPath child = Child(path, key.IsScalar() ? key.Scalar() : std::string("?"));
      Position at = ToPosition(key.Mark());
      if (!key.IsScalar()) {
        Problem(at, child, "keys must be plain strings");
        continue;
      }
      if (out.contains(key.Scalar())) {
        Problem(at, child,
                "duplicate key (the first one is on line " +
                    std::to_string(doc_.positions[ToJsonPointer(child)].line) + ")");
        continue;
      }
      doc_.positions[ToJsonPointer(child)] = at;
      out[key.Scalar()] = Convert(member.second, child);
    }
    return out;
  }

  json ConvertSequence(const YAML::Node& node, const FieldPath& path) {
    json out = json::array();
    size_t i = 0;
    for (const auto& element : node) {
      FieldPath child = Index(path, i++);
      doc_.positions[ToJsonPointer(child)] = ToPosition(element.Mark());
      out.push_back(Convert(element, child));
    }
    return out;
  }

  void Problem(Position at, const FieldPath& path, std::string message) {
    doc_.problems.push_back({file_, at.line, at.column, "", "", ToDotted(path), std::move(message)});
  }

  const std::string& file_;
  JsonDocument& doc_;
};

}  // namespace

json PlainScalarToJson(const std::string& text) {
  if (IsNullText(text)) return nullptr;
  if (auto b = BoolText(text)) return *b;
  if (auto i = IntText(text)) return *i;
  if (auto f = FloatText(text)) return *f;
  return text;
}

YamlParseResult ParseYaml(const std::string& file, const std::string& content) {
  YamlParseResult result;
  std::vector<YAML::Node> nodes;
  try {
    nodes = YAML::LoadAll(content);
  } catch (const YAML::Exception& e) {
    Position at = ToPosition(e.mark);
    result.errors.push_back({file, at.line, at.column, "", "", "", "invalid YAML: " + e.msg});
    return result;
  }
  for (const YAML::Node& node : nodes) {
    if (!node.IsDefined() || node.IsNull()) continue;
    JsonDocument doc;
    doc.positions[""] = ToPosition(node.Mark());
    doc.value = Converter(file, doc).Convert(node, {});
    result.documents.push_back(std::move(doc));
  }
  return result;
}

}  // namespace swarmop::crds::internal
