// Small helpers for YAML written as text by the profiles (deterministic, readable golden files).
#pragma once

#include <string>
#include <string_view>

namespace swarmop::reconciler::profiles {

// 'text' as a YAML single-quoted scalar (' doubled): no escapes, so regexes stay as written.
inline std::string YamlQuote(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

}  // namespace swarmop::reconciler::profiles
