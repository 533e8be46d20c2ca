// The RenderOptions every swarmop command plans with (`apply`, `diff`, `run`): the core's generic rendering
// plus the Replication renderer and the django-api profile (replication.h) and the workload profiles
// (profiles/profiles.h). One place, so the commands never disagree about what a spec renders to. It lives
// in the controller layer because it is the one that may depend on every render hook.
#pragma once

#include "swarmop/reconciler/core/render.h"

namespace swarmop::reconciler {

// No ReplicationObserver here: the commands plan with PlanEstateOptions::observe_replications (and `run`
// with EstateReconcilerOptions::observe_replications), which reads the running replica set config from the
// swarm before each plan and renders with it; see reconciler/src/replication/README.md.
RenderOptions DefaultRenderOptions();

}  // namespace swarmop::reconciler
