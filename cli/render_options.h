// The RenderOptions every swarmop command plans with (`apply`, `diff`, `run`): the core's generic rendering
// plus the Replication renderer and the django-api profile (reconciler/replication.h). One place, so the
// commands never disagree about what a spec renders to.
#pragma once

#include "swarmop/reconciler/render.h"
#include "swarmop/reconciler/replication.h"

namespace swarmop::cli {

// No ReplicationObserver yet: the renderer assumes no replica set is initiated (all members plus the
// idempotent init job); see reconciler/src/replication/README.md.
inline reconciler::RenderOptions SwarmopRenderOptions() {
  reconciler::RenderOptions options;
  reconciler::UseReplicationRendering(options);
  return options;
}

}  // namespace swarmop::cli
