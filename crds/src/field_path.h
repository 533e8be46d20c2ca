// A path to a node inside a document, convertible to a JSON pointer (the key of the position map) and to
// the dotted form shown to users ("spec.ports[0].target").
#pragma once

#include <string>
#include <vector>

namespace swarmop::crds::internal {

struct PathToken {
  std::string key;  // member name, or the decimal index for an array element
  bool is_index = false;
};

using FieldPath = std::vector<PathToken>;

FieldPath Child(FieldPath path, std::string key);
FieldPath Index(FieldPath path, size_t index);
// "/spec/ports/0/target" ('~' and '/' escaped as ~0 and ~1); "" for the root.
std::string ToJsonPointer(const FieldPath& path);
// "spec.ports[0].target"; "" for the root.
std::string ToDotted(const FieldPath& path);

}  // namespace swarmop::crds::internal
