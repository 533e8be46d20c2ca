// The RenderOptions every swarmop command plans with (`apply`, `diff`, `run`): the core's generic rendering
// plus the Replication renderer and the django-api profile (reconciler/replication.h) and the workload
// profiles (reconciler/profiles/profiles.h). One place, so the
// commands never disagree about what a spec renders to.
#pragma once

#include "swarmop/reconciler/core/render.h"
#include "swarmop/reconciler/profiles/profiles.h"
#include "swarmop/reconciler/replication/replication.h"

namespace swarmop::cli {

// No ReplicationObserver here: the commands plan with PlanEstateOptions::observe_replications (and
// `run` with EstateReconcilerOptions::observe_replications), which reads the running replica set config
// from the swarm before each plan and renders with it; see reconciler/src/replication/README.md.
inline reconciler::RenderOptions SwarmopRenderOptions() {
  reconciler::RenderOptions options;
  reconciler::UseReplicationRendering(options);
  reconciler::UseProfileRendering(options);  // kong, ... (profiles/profiles.h)
  return options;
}

}  // namespace swarmop::cli
