#include "json_text_scan.h"

namespace swarmop::engine {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

std::string_view Trimmed(std::string_view text) {
  while (!text.empty() && IsSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
  return text;
}

size_t SkipSpace(std::string_view text, size_t i) {
  while (i < text.size() && IsSpace(text[i])) ++i;
  return i;
}

// The end (one past) of the string that opens at text[i] ('"'), or npos when it does not close.
size_t StringEnd(std::string_view text, size_t i) {
  for (++i; i < text.size(); ++i) {
    if (text[i] == '\\') {
      ++i;
    } else if (text[i] == '"') {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

// The end (one past) of the value that starts at text[i], or npos when it does not end in `text`.
size_t ValueEnd(std::string_view text, size_t i) {
  if (i >= text.size()) return std::string_view::npos;
  if (text[i] == '"') return StringEnd(text, i);
  if (text[i] != '{' && text[i] != '[') {  // a number, true, false, null
    while (i < text.size() && text[i] != ',' && text[i] != '}' && text[i] != ']' && !IsSpace(text[i])) ++i;
    return i;
  }
  size_t depth = 0;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') {
      i = StringEnd(text, i);
      if (i == std::string_view::npos) return i;
      --i;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if ((c == '}' || c == ']') && --depth == 0) {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

}  // namespace

std::optional<std::vector<std::string_view>> SplitJsonArray(std::string_view text) {
  text = Trimmed(text);
  if (text.size() < 2 || text.front() != '[' || text.back() != ']') return std::nullopt;
  std::vector<std::string_view> elements;
  size_t depth = 0;  // inside the outer array
  bool in_string = false;
  size_t start = 1;
  for (size_t i = 1; i + 1 < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped character cannot end the string
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      ++depth;
    } else if (c == ']' || c == '}') {
      if (depth == 0) return std::nullopt;  // closes the outer array before its end
      --depth;
    } else if (c == ',' && depth == 0) {
      std::string_view element = Trimmed(text.substr(start, i - start));
      if (element.empty()) return std::nullopt;
      elements.push_back(element);
      start = i + 1;
    }
  }
  if (in_string || depth != 0) return std::nullopt;
  std::string_view last = Trimmed(text.substr(start, text.size() - 1 - start));
  if (last.empty()) {
    if (!elements.empty()) return std::nullopt;  // "[1,]"
    return elements;                             // "[]"
  }
  elements.push_back(last);
  return elements;
}

std::optional<std::string_view> MemberText(std::string_view text, std::string_view key) {
  constexpr size_t npos = std::string_view::npos;
  size_t i = SkipSpace(text, 0);
  if (i >= text.size() || text[i] != '{') return std::nullopt;
  i = SkipSpace(text, i + 1);
  while (i < text.size() && text[i] == '"') {
    size_t key_end = StringEnd(text, i);
    if (key_end == npos) return std::nullopt;
    std::string_view name = text.substr(i + 1, key_end - i - 2);
    i = SkipSpace(text, key_end);
    if (i >= text.size() || text[i] != ':') return std::nullopt;
    i = SkipSpace(text, i + 1);
    size_t value_end = ValueEnd(text, i);
    if (value_end == npos) return std::nullopt;
    if (name == key) return text.substr(i, value_end - i);
    i = SkipSpace(text, value_end);
    if (i >= text.size() || text[i] != ',') return std::nullopt;
    i = SkipSpace(text, i + 1);
  }
  return std::nullopt;
}

}  // namespace swarmop::engine
