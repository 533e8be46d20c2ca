#include "swarmop/reconciler/controller/default_render.h"

#include "swarmop/reconciler/profiles/profiles.h"
#include "swarmop/reconciler/replication/replication.h"

namespace swarmop::reconciler {

RenderOptions DefaultRenderOptions() {
  RenderOptions options;
  UseReplicationRendering(options);
  UseProfileRendering(options);  // kong, ... (profiles/profiles.h)
  return options;
}

}  // namespace swarmop::reconciler
