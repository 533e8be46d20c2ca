// Walking and assembling a crds::DesiredState kind-agnostically: the store handles Sites, Services and
// Replications alike. Internal to the spec store.
#pragma once

#include <vector>

#include "swarmop/crds/model.h"

namespace swarmop::reconciler::store {

struct ObjectRef {
  crds::Kind kind;
  const crds::ObjectBase* object;  // points into the DesiredState it came from
};

// Every object of `state`: sites, then services, then replications, each in their order.
std::vector<ObjectRef> AllObjects(const crds::DesiredState& state);

// Appends a copy of `ref`'s object to the vector of its kind in `out`.
void AppendObject(const ObjectRef& ref, crds::DesiredState& out);

}  // namespace swarmop::reconciler::store
