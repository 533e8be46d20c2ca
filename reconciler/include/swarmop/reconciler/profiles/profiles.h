// The workload profiles (kong, prometheus, logstash) every swarmop command renders with: one line per profile
// in src/profiles/profiles.cpp, each profile in its own files (profiles/<name>.h, src/profiles/<name>_*.cpp).
// The django-api profile comes with the Replication renderer (replication.h, UseReplicationRendering).
#pragma once

#include "swarmop/reconciler/core/render.h"

namespace swarmop::reconciler {

// Sets options.profiles[p] for every profile rendered here.
void UseProfileRendering(RenderOptions& options);

}  // namespace swarmop::reconciler
