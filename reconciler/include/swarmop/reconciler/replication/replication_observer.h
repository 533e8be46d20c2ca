// Observing Replications in the swarm: what replica set config a MongoDB Replication's members run, read
// from the jobs swarmop ran for it, so the renderer (replication.h) plans the next one-voter step from there.
//
// The current config is the one carried by the Replication's last completed initiate/reconfig job: of its
// owned ReplicatedJob services "<replication>-init" (version 1) and "<replication>-reconfig-v<N>", the one
// with the highest version whose current job iteration has a task in state "complete"; its config is the
// content-addressed Swarm config mounted at ".../rs-config-v<N>.json" (read with InspectConfig and parsed
// with ParseMongoConfigJson). No completed job: not initiated (mongo_config nullopt). A job still running or
// failing (retried on failure) counts as not done: the previous completed job's config stands, the renderer
// renders the same job again, and nothing changes until it completes. The renderer keeps rendering the job
// whose config was observed, so that job, and this record of the running config, outlive the next step.
//
// Render is pure: observe first (one engine pass per plan), then render with SnapshotObserver.
// Limits: a completed job proves that its script exited 0, not that MongoDB runs that config (the rendered
// scripts wait for it; a stand-in mongosh does not). Only the engine passed in is read: a job placed at a
// separate-swarm site is seen by that site's plan only.
// Thread-safety: ObserveReplications does blocking engine reads; the observer is a pure lookup.
#pragma once

#include <map>
#include <string>

#include "swarmop/base/status.h"
#include "swarmop/crds/model.h"
#include "swarmop/engine/engine.h"
#include "swarmop/reconciler/replication/replication.h"

namespace swarmop::reconciler {

// An observation for every MongoDB Replication of `desired` (PostgreSQL ones are not observed). Engine
// errors, and a completed job whose rs-config is missing or unreadable, are returned as errors: planning
// must not fall back to "not initiated" for a set that is running.
StatusOr<std::map<std::string, ReplicationObservation>> ObserveReplications(
    engine::Engine& engine, const crds::DesiredState& desired);

// Answers from `snapshot`; a Replication missing from it is "nothing observed" (nullopt).
ReplicationObserver SnapshotObserver(std::map<std::string, ReplicationObservation> snapshot);

// "<replication>-init" -> 1, "<replication>-reconfig-v<N>" -> N, anything else -> 0.
int64_t MongoJobVersion(const std::string& replication, const std::string& service_name);

}  // namespace swarmop::reconciler
