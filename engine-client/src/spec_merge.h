// Merging typed fields over the raw Spec JSON as read, so an update keeps fields the model does not know.
// Internal to engine-client.
//
// A "shape" lists the keys the model owns, as JSON:
//   true                      the value is owned whole (replaced, or removed when the typed JSON lacks it);
//   {"Key": shape, ...}       an optional object: owned keys merge recursively, other keys of the raw object
//                             stay; absent from the typed JSON, the whole object is removed (cleared);
//   {"~container": true, ...} a mere container (TaskTemplate, Resources.Limits, VolumeOptions): absent from
//                             the typed JSON it is merged as {} (unknown keys stay), and an empty result is
//                             only kept when the raw spec had the object;
//   ["KeyField", shape]       an array of objects matched by KeyField: each typed element merges over the raw
//                             element with the same KeyField (so its unknown keys stay); unmatched raw
//                             elements are dropped (the typed list owns membership and order).
// A modelled field absent from the typed JSON is REMOVED from the result: the caller cleared it.
#pragma once

#include <string>

#include "json_codec.h"

namespace swarmop::engine {

Json MergeOwned(const Json& raw, const Json& typed, const Json& shape);

const Json& ServiceSpecShape();
const Json& NodeSpecShape();
const Json& ConfigSpecShape();  // labels-only updates: Name and Labels owned, Data kept as read
const Json& SecretSpecShape();

// Parses raw_spec (an object, or {} when empty/invalid) and merges `typed` over it.
Json MergeOverRaw(const std::string& raw_spec, const Json& typed, const Json& shape);

}  // namespace swarmop::engine
