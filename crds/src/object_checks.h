// Checks of a single object that the schema cannot express clearly (exclusive fields, per-engine required
// fields, MongoDB voting rules). Set-wide checks live in cross_refs.cpp.
#pragma once

#include <vector>

#include "swarmop/crds/diagnostic.h"
#include "swarmop/crds/model.h"

namespace swarmop::crds::internal {

std::vector<Diagnostic> CheckSite(const Site& site);
std::vector<Diagnostic> CheckService(const Service& service);
std::vector<Diagnostic> CheckReplication(const Replication& replication);

// A diagnostic about `object` at the field given as a JSON pointer ("/spec/members/2/votes").
Diagnostic At(const ObjectBase& object, Kind kind, const std::string& pointer, std::string message);

}  // namespace swarmop::crds::internal
