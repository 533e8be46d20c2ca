// Labels swarmop puts on the Swarm objects it owns (Docker's reverse-DNS convention, io.swarmop.*).
// An object without kManagedBy == kManagerName is never updated or removed by swarmop, whatever its name.
#pragma once

#include <map>
#include <string>

namespace swarmop::reconciler::labels {

inline constexpr const char* kManagedBy = "io.swarmop.managed-by";
inline constexpr const char* kManagerName = "swarmop";

// On rendered objects (services, networks, configs, secrets swarmop creates for a spec).
inline constexpr const char* kOwnerKind = "io.swarmop.owner-kind";  // "Service", "Replication", "Site"
inline constexpr const char* kOwnerName = "io.swarmop.owner-name";  // metadata.name of the owning spec
inline constexpr const char* kSite = "io.swarmop.site";             // site the object serves, if any
inline constexpr const char* kSpecHash = "io.swarmop.spec-hash";    // hash of the owning spec when written

// On Swarm configs that store a spec (the spec store).
inline constexpr const char* kKind = "io.swarmop.kind";  // "Site", "Service", "Replication"
inline constexpr const char* kName = "io.swarmop.name";
inline constexpr const char* kHash = "io.swarmop.hash";
inline constexpr const char* kRole = "io.swarmop.role";  // "spec" on stored specs
inline constexpr const char* kRoleSpec = "spec";
// On stored specs installed by a chart (copied from the spec's metadata.labels) and on release records.
inline constexpr const char* kRelease = "io.swarmop.release";

// True when `object_labels` mark the object as swarmop's.
inline bool IsOwned(const std::map<std::string, std::string>& object_labels) {
  auto it = object_labels.find(kManagedBy);
  return it != object_labels.end() && it->second == kManagerName;
}

}  // namespace swarmop::reconciler::labels
