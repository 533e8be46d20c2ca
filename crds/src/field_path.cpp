#include "field_path.h"

namespace swarmop::crds::internal {

FieldPath Child(FieldPath path, std::string key) {
  path.push_back({std::move(key), false});
  return path;
}

FieldPath Index(FieldPath path, size_t index) {
  path.push_back({std::to_string(index), true});
  return path;
}

std::string ToJsonPointer(const FieldPath& path) {
  std::string out;
  for (const PathToken& token : path) {
    out += '/';
    for (char c : token.key) {
      if (c == '~') {
        out += "~0";
      } else if (c == '/') {
        out += "~1";
      } else {
        out += c;
      }
    }
  }
  return out;
}

std::string ToDotted(const FieldPath& path) {
  std::string out;
  for (const PathToken& token : path) {
    if (token.is_index) {
      out += "[" + token.key + "]";
      continue;
    }
    if (!out.empty()) out += '.';
    out += token.key;
  }
  return out;
}

}  // namespace swarmop::crds::internal
