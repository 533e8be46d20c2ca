// Building blocks shared by the MongoDB and PostgreSQL renderers: a pinned database service, a job, the
// content-addressed configs they mount.
#pragma once

#include <string>

#include "swarmop/crds/model.h"
#include "swarmop/reconciler/core/render.h"

namespace swarmop::reconciler::replication {

inline constexpr const char* kOwnerKind = "Replication";
inline constexpr const char* kConfigDir = "/etc/swarmop";

// A long-running database service `swarm_name` of `replication` at `site`: image, owner labels, placement
// on the site's nodes, site + estate networks, dnsrr endpoint, restart on any exit. Fails when the name
// does not fit Swarm's 63 characters.
StatusOr<DesiredService> DatabaseService(const crds::Replication& replication, const crds::Site& site,
                                         const std::string& swarm_name);

// A one-shot job "<swarm_name>" (kReplicatedJob, one completion, restarted on failure until it succeeds)
// placed like a database service at `site`.
StatusOr<DesiredService> DatabaseJob(const crds::Replication& replication, const crds::Site& site,
                                     const std::string& swarm_name);

// Mounts the named volume "<storage.volume>-<suffix>" at `target`; without storage.volume adds a warning.
void MountData(const crds::Replication& replication, const std::string& suffix, const std::string& target,
               DesiredService& service, RenderedState& out);

// Mounts the Swarm secret `name` (by name) at /run/secrets/<name> with the given owner and mode.
void MountSecret(const std::string& name, engine::ContainerSpec& container, const std::string& uid = "0",
                 const std::string& gid = "0", uint32_t mode = 0444);

// Adds `content` as the content-addressed config "<replication>-<file>-<hash>" (once) and mounts it at
// <kConfigDir>/<file>. Returns the mounted path.
std::string MountConfig(const crds::Replication& replication, const std::string& file,
                        const std::string& content, engine::ContainerSpec& container, RenderedState& out);

// The Site named `name`, or kInvalidArgument naming the replication.
StatusOr<const crds::Site*> SiteOf(const crds::DesiredState& desired, const crds::Replication& replication,
                                   const std::string& name);

// 'text' for sh, with ' written as '\''.
std::string ShellQuote(const std::string& text);

}  // namespace swarmop::reconciler::replication
