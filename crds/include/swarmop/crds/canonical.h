// Canonical serialisation: deterministic (sorted keys, defaults applied, environment overrides merged,
// `environments` and `status` dropped). Parsing the canonical form again yields the same canonical form and
// the same hash.
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "swarmop/crds/model.h"

namespace swarmop::crds {

// Compact JSON, sorted keys: {"apiVersion":...,"kind":...,"metadata":{...},"spec":{...}}.
std::string ToCanonicalJson(const ObjectBase& object);
// The same document as block YAML (strings that would read back as numbers/booleans/null are quoted).
std::string ToCanonicalYaml(const ObjectBase& object);
// sha256 hex of `text` (OpenSSL).
std::string Sha256Hex(const std::string& text);

}  // namespace swarmop::crds
