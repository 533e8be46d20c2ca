// Rendering database replication: the render.h hooks for Replication specs and for django-api Services
// that name one. See mongo.h and postgres.h for the documents and SQL themselves, and
// reconciler/src/replication/README.md for the whole picture.
//
// Per member (MongoDB) or server (PostgreSQL) one Swarm service, owner kind "Replication":
//   - named "<replication>-<site>" (a PostgreSQL local writer "<replication>-<site>-local"), pinned to the
//     site's nodes (node.labels.<k>==<v> from the Site's nodeSelector), on the site and estate networks,
//     endpoint mode dnsrr (one task per service; clients and peers reach the task directly);
//   - data on the named volume "<storage.volume>-<site>" (no volume: data lives as long as the task, and a
//     warning says so);
//   - secrets referenced by name only (keyFile, password): never their data, never in env values (only
//     *_FILE paths), configs or labels;
//   - configs (postgresql.conf, pg_hba.conf, SQL, replica set config, start scripts) as content-addressed
//     Swarm configs (ContentConfigName), so a change makes a new config and redeploys what mounts it.
// Jobs (ServiceMode kReplicatedJob, one completion, retried on failure) only when needed:
//   - MongoDB: "<replication>-init" until an observation says the set is initiated; then
//     "<replication>-reconfig-v<N>" for the next step of PlanMongoMembershipChange, none when converged;
//   - PostgreSQL: "<replication>-slots" (physical slots on the primary, when there are read replicas),
//     "<replication>-publish-<site>" and "<replication>-subscribe-<site>" (when spec.logical is set).
//     The SQL is idempotent; the job spec only changes (and the job only reruns) when the SQL does.
// Thread-safety: the returned callables are pure, apart from calling the observer.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "swarmop/reconciler/core/render.h"
#include "swarmop/reconciler/replication/mongo.h"

namespace swarmop::reconciler {

// What swarmop last saw of a Replication's running database. The controller fills it (a later issue: from
// the completed jobs' configs); until then the renderer assumes nothing is running yet.
struct ReplicationObservation {
  // The replica set config the members run (the config of the last completed initiate/reconfig job);
  // nullopt: the set is not initiated yet.
  std::optional<MongoReplicaSetConfig> mongo_config;
};
using ReplicationObserver =
    std::function<std::optional<ReplicationObservation>(const std::string& replication)>;

// The RenderOptions::replication hook. `observer` may be empty (nothing observed).
ReplicationRenderer MakeReplicationRenderer(ReplicationObserver observer = {});

// The django-api profile: each per-site service of a Service whose database.replication names a
// Replication gets SITE_ID=<site> and
//   PostgreSQL: DATABASE_URL (the primary), DATABASE_READ_URL (its site's read replica, else the primary),
//               DATABASE_LOCAL_URL (its site's local writer, when the site publishes),
//   MongoDB:    DATABASE_URL (MongoConnectionString for its site),
// plus DATABASE_PASSWORD_FILE=/run/secrets/<passwordSecret> and that secret mounted, when there is one.
// Variables the Service sets itself in env are left as they are.
Status RenderDjangoApiDatabase(const ProfileContext& context, RenderedState& out);

// Sets options.replication and options.profiles[django-api].
void UseReplicationRendering(RenderOptions& options, ReplicationObserver observer = {});

}  // namespace swarmop::reconciler
