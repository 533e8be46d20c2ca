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
// Any JSON document (as text) as block YAML written the same way: sorted keys, strings quoted only when
// they would read back as another type. Deterministic: files rendered for other tools (kong.yml) use it so
// their content hash is stable. Invalid JSON yields "".
std::string JsonTextToYaml(const std::string& json_text);
// sha256 hex of `text` (OpenSSL).
std::string Sha256Hex(const std::string& text);

}  // namespace swarmop::crds
