// The RenderOptions every swarmop command plans with (`apply`, `diff`, `run`): the library's
// DefaultRenderOptions (reconciler/controller/default_render.h), under the name the integration tests use
// to plan exactly as the commands do.
#pragma once

#include "swarmop/reconciler/controller/default_render.h"
// What this header has always brought along, for the files that include it.
#include "swarmop/reconciler/core/render.h"
#include "swarmop/reconciler/profiles/profiles.h"
#include "swarmop/reconciler/replication/replication.h"

namespace swarmop::cli {

inline reconciler::RenderOptions SwarmopRenderOptions() { return reconciler::DefaultRenderOptions(); }

}  // namespace swarmop::cli
