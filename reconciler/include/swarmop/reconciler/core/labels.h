// Every label key swarmop reads or writes (Docker's reverse-DNS convention, io.swarmop.*), in one place:
// on the Swarm objects it owns, on stored specs and their status, on the leader lease and on chart release
// records. An object without kManagedBy == kManagerName is never updated or removed by swarmop, whatever its
// name.
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
// On stored specs that pull mode (gitops/git_source.h) wrote.
inline constexpr const char* kSource = "io.swarmop.source";  // "git" on specs stored by pull mode
inline constexpr const char* kSourceGit = "git";
inline constexpr const char* kGitRevision = "io.swarmop.git-revision";  // the applied commit (40 hex)
// On the services the prometheus profile renders (prometheus, alertmanager, grafana).
inline constexpr const char* kComponent = "io.swarmop.component";

// On a chart release record (a Swarm config, charts/release.h), besides kRole = kRoleRelease and kRelease.
inline constexpr const char* kRoleRelease = "release";
inline constexpr const char* kReleaseRevision = "io.swarmop.release.revision";
inline constexpr const char* kReleaseChart = "io.swarmop.release.chart";
inline constexpr const char* kReleaseVersion = "io.swarmop.release.version";
inline constexpr const char* kReleaseStatus = "io.swarmop.release.status";

// True when `object_labels` mark the object as swarmop's.
inline bool IsOwned(const std::map<std::string, std::string>& object_labels) {
  auto it = object_labels.find(kManagedBy);
  return it != object_labels.end() && it->second == kManagerName;
}

}  // namespace swarmop::reconciler::labels

namespace swarmop::reconciler {

// Status written on a stored spec's config (store/spec_status.h has their values).
namespace status_labels {
inline constexpr const char* kReady = "io.swarmop.status.ready";
inline constexpr const char* kProgressing = "io.swarmop.status.progressing";
inline constexpr const char* kDegraded = "io.swarmop.status.degraded";
inline constexpr const char* kReason = "io.swarmop.status.reason";
inline constexpr const char* kMessage = "io.swarmop.status.message";
inline constexpr const char* kObservedHash = "io.swarmop.status.observed-hash";
inline constexpr const char* kTime = "io.swarmop.status.time";  // RFC 3339, last transition
// Only while a failover is in effect: "True", and what it does ("api: yaounde runs douala's 2 replicas...").
inline constexpr const char* kFailedOver = "io.swarmop.status.failed-over";
inline constexpr const char* kFailover = "io.swarmop.status.failover";
inline constexpr const char* kPrefix = "io.swarmop.status.";
}  // namespace status_labels

// On the leader lease, a Swarm config (sites/leader_lease.h).
namespace lease_labels {
inline constexpr const char* kRole = labels::kRole;  // = kRoleLease
inline constexpr const char* kRoleLease = "lease";
inline constexpr const char* kHolder = "io.swarmop.lease.holder";            // empty: released
inline constexpr const char* kRenewTime = "io.swarmop.lease.renew-time";     // RFC 3339, for people
inline constexpr const char* kDurationMs = "io.swarmop.lease.duration-ms";   // how long a renewal holds
inline constexpr const char* kTransitions = "io.swarmop.lease.transitions";  // holder changes so far
}  // namespace lease_labels

}  // namespace swarmop::reconciler
