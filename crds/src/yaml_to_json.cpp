#include "yaml_to_json.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <sstream>

#include "field_path.h"
#include "swarmop/crds/limits.h"

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

// Thrown by the builder (from inside yaml-cpp's parse) when a ParseLimits limit is passed: it stops the parse
// at once, before the node that passes the limit is built.
struct LimitExceeded {
  YAML::Mark mark;
  std::string message;
};

std::string Bytes(size_t n) { return std::to_string(n) + (n == 1 ? " byte" : " bytes"); }

// Length of the UTF-8 sequence starting at text[i], or 0 when it is not valid UTF-8 (overlong forms,
// surrogates and code points past U+10FFFF included).
size_t Utf8SequenceLength(const std::string& text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char b = byte(i);
  if (b < 0x80) return 1;
  size_t n;
  unsigned char lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
  if (b >= 0xC2 && b <= 0xDF) {
    n = 2;
  } else if (b >= 0xE0 && b <= 0xEF) {
    n = 3;
    if (b == 0xE0) lo = 0xA0;
    if (b == 0xED) hi = 0x9F;
  } else if (b >= 0xF0 && b <= 0xF4) {
    n = 4;
    if (b == 0xF0) lo = 0x90;
    if (b == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > text.size() || byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (size_t k = 2; k < n; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return n;
}

// A control character YAML does not allow in a stream (1.2, c-printable: of C0 only tab, LF and CR; not DEL).
bool ForbiddenControl(unsigned char b) {
  return (b < 0x20 && b != '\t' && b != '\n' && b != '\r') || b == 0x7f;
}

// YAML is printable Unicode text; a manifest that is not valid UTF-8 would later fail every JSON dump of its
// values (nlohmann throws on invalid UTF-8: it crashed the operator), and yaml-cpp turns a NUL inside a
// scalar into a byte that is not UTF-8 either (found by manifest_fuzzer). The first such byte, or nullopt.
std::optional<Diagnostic> InvalidUtf8(const std::string& file, const std::string& text) {
  int line = 1, column = 1;
  for (size_t i = 0; i < text.size();) {
    const size_t n = Utf8SequenceLength(text, i);
    const unsigned char b = static_cast<unsigned char>(text[i]);
    if (n == 0 || (n == 1 && ForbiddenControl(b))) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02x", b);
      std::string what = n == 0 ? " is not valid UTF-8" : " is a control character YAML does not allow";
      return Diagnostic{file, line, column, "", "", "", std::string("invalid YAML: byte ") + hex + what};
    }
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
    i += n;
  }
  return std::nullopt;
}

// Builds JSON straight from yaml-cpp's parse events (no YAML::Node graph: faster, and it lets us guard
// against yaml-cpp 0.7 looping for ever on some malformed input, e.g. a lone ",").
class JsonBuilder : public YAML::EventHandler {
 public:
  // `nodes`: the count of the whole source so far (documents share it).
  JsonBuilder(const std::string& file, JsonDocument& doc, const ParseLimits& limits, size_t& nodes)
      : file_(file), doc_(doc), limits_(limits), nodes_(nodes) {}

  bool HasRoot() const { return has_root_; }

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    AddNodes(1, mark);
    Complete(nullptr, mark, anchor, {}, 1);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto it = anchors_.find(anchor);
    if (it == anchors_.end()) {
      AddNodes(1, mark);
      Complete(nullptr, mark, 0, {}, 1);
      return;
    }
    AddNodes(it->second.nodes, mark);  // before the copy: a billion laughs stops here
    Complete(it->second.value, mark, 0, {}, it->second.nodes);
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    if (value.size() > limits_.max_scalar_bytes) {
      throw LimitExceeded{mark, "a scalar of " + Bytes(value.size()) + " exceeds the limit of " +
                                    Bytes(limits_.max_scalar_bytes)};
    }
    AddNodes(1, mark);
    json v = IsStringTag(tag) ? json(value) : PlainScalarToJson(value);
    Complete(std::move(v), mark, anchor, value, 1);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    Open(json::array(), mark, anchor);
  }
  void OnSequenceEnd() override { Close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    Open(json::object(), mark, anchor);
  }
  void OnMapEnd() override { Close(); }

 private:
  struct Frame {
    json value;
    FieldPath path;
    YAML::Mark start;
    YAML::anchor_t anchor = 0;
    bool expecting_key = true;  // maps only
    std::optional<std::string> key{};
    Position key_position{};
    size_t nodes_before = 0;  // nodes_ when this container opened (itself excluded)
  };

  struct Anchored {
    json value;
    size_t nodes = 1;  // nodes in `value`: what each alias of it adds
  };

  // Counts nodes as produced (an alias adds every node it copies) and stops past the limit.
  void AddNodes(size_t n, const YAML::Mark& mark) {
    nodes_ += n;
    if (nodes_ > limits_.max_nodes) {
      throw LimitExceeded{mark, "the input expands to more than " + std::to_string(limits_.max_nodes) +
                                    " nodes (each alias counts every node it repeats): exceeds the limit "
                                    "of " +
                                    std::to_string(limits_.max_nodes) + " nodes per source"};
    }
  }

  // Where a node that starts now will live.
  FieldPath ChildPath() const {
    if (stack_.empty()) return {};
    const Frame& top = stack_.back();
    if (top.value.is_array()) return Index(top.path, top.value.size());
    return Child(top.path, top.expecting_key || !top.key ? std::string("?") : *top.key);
  }

  void Open(json container, const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (stack_.size() >= limits_.max_depth) {
      throw LimitExceeded{mark, "nesting depth " + std::to_string(stack_.size() + 1) +
                                    " exceeds the limit of " + std::to_string(limits_.max_depth) +
                                    " levels of mappings and sequences"};
    }
    AddNodes(1, mark);
    if (stack_.empty()) doc_.positions[""] = ToPosition(mark);  // the document starts at its root node
    stack_.push_back({std::move(container), ChildPath(), mark, anchor});
    stack_.back().nodes_before = nodes_ - 1;
  }

  void Close() {
    Frame frame = std::move(stack_.back());
    stack_.pop_back();
    Complete(std::move(frame.value), frame.start, frame.anchor, {}, nodes_ - frame.nodes_before);
  }

  // A whole node is known: attach it to its parent (or make it the document).
  void Complete(json value, const YAML::Mark& mark, YAML::anchor_t anchor, std::optional<std::string> scalar,
                size_t nodes) {
    if (anchor != 0) anchors_[anchor] = {value, nodes};
    if (stack_.empty()) {
      if (!doc_.positions.count("")) doc_.positions[""] = ToPosition(mark);
      has_root_ = !value.is_null();
      doc_.value = std::move(value);
      return;
    }
    Frame& top = stack_.back();
    if (top.value.is_array()) {
      doc_.positions[ToJsonPointer(Index(top.path, top.value.size()))] = ToPosition(mark);
      top.value.push_back(std::move(value));
    } else if (top.expecting_key) {
      top.key = scalar;
      top.key_position = ToPosition(mark);
      top.expecting_key = false;
      if (!scalar) Problem(top.key_position, Child(top.path, "?"), "keys must be plain strings");
    } else {
      AddMember(top, std::move(value));
      top.expecting_key = true;
    }
  }

  void AddMember(Frame& map, json value) {
    if (!map.key) return;
    FieldPath child = Child(map.path, *map.key);
    std::string pointer = ToJsonPointer(child);
    if (map.value.contains(*map.key)) {
      Problem(
          map.key_position, child,
          "duplicate key (the first one is on line " + std::to_string(doc_.positions[pointer].line) + ")");
      return;
    }
    doc_.positions[pointer] = map.key_position;
    map.value[*map.key] = std::move(value);
  }

  void Problem(Position at, const FieldPath& path, std::string message) {
    doc_.problems.push_back({file_, at.line, at.column, "", "", ToDotted(path), std::move(message)});
  }

  const std::string& file_;
  JsonDocument& doc_;
  const ParseLimits& limits_;
  std::vector<Frame> stack_;
  std::map<YAML::anchor_t, Anchored> anchors_;
  size_t& nodes_;
  bool has_root_ = false;
};

}  // namespace

json PlainScalarToJson(const std::string& text) {
  if (IsNullText(text)) return nullptr;
  if (auto b = BoolText(text)) return *b;
  if (auto i = IntText(text)) return *i;
  if (auto f = FloatText(text)) return *f;
  return text;
}

YamlParseResult ParseYaml(const std::string& file, const std::string& content, const ParseLimits& limits,
                          size_t original_size) {
  YamlParseResult result;
  const size_t size = std::max(original_size, content.size());
  if (size > limits.max_input_bytes) {
    result.errors.push_back({file, 1, 1, "", "", "",
                             "the input of " + Bytes(size) + " exceeds the limit of " +
                                 Bytes(limits.max_input_bytes) +
                                 " (500 KiB, the most a Swarm config holds)"});
    return result;
  }
  if (std::optional<Diagnostic> invalid = InvalidUtf8(file, content)) {
    result.errors.push_back(std::move(*invalid));
    return result;
  }
  std::istringstream input(content);
  size_t nodes = 0;
  try {
    YAML::Parser parser(input);
    // Every real document consumes input; more documents than characters means the parser is stuck.
    for (size_t count = 0;; ++count) {
      if (count > content.size() + 1) {
        result.errors.push_back(
            {file, 0, 0, "", "", "", "invalid YAML: the parser made no progress (stray ','?)"});
        break;
      }
      JsonDocument doc;
      JsonBuilder builder(file, doc, limits, nodes);
      if (!parser.HandleNextDocument(builder)) break;
      if (!builder.HasRoot()) continue;
      if (result.documents.size() == limits.max_documents) {
        Position at = doc.positions[""];
        result.errors.push_back({file, at.line, at.column, "", "", "",
                                 "document " + std::to_string(limits.max_documents + 1) +
                                     " exceeds the limit of " + std::to_string(limits.max_documents) +
                                     " documents per source"});
        break;
      }
      result.documents.push_back(std::move(doc));
    }
  } catch (const LimitExceeded& e) {
    Position at = ToPosition(e.mark);
    result.errors.push_back({file, at.line, at.column, "", "", "", e.message});
  } catch (const YAML::DeepRecursion& e) {
    Position at = ToPosition(e.mark);
    result.errors.push_back({file, at.line, at.column, "", "", "",
                             "nesting depth exceeds the limit of " + std::to_string(limits.max_depth) +
                                 " levels of mappings and sequences"});
  } catch (const YAML::Exception& e) {
    Position at = ToPosition(e.mark);
    result.errors.push_back({file, at.line, at.column, "", "", "", "invalid YAML: " + e.msg});
  }
  if (!result.errors.empty()) result.documents.clear();
  return result;
}

}  // namespace swarmop::crds::internal
