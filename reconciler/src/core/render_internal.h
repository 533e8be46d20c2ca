// Private helpers shared by the render files.
#pragma once

#include <string>

#include "swarmop/crds/model.h"
#include "swarmop/reconciler/core/render.h"

namespace swarmop::reconciler::internal {

// Where objects of `site` go: the local swarm, or the site's own engine.
Target TargetOf(const crds::Site& site);

// One Swarm service for `service` at `site`, plus the content-addressed configs it needs (appended to
// `out.configs` once per name). `ports_in_host_mode`: see render.h (several local sites).
Status RenderServiceAtSite(const crds::Service& service, const crds::Site& site, bool ports_in_host_mode,
                           RenderedState& out);

// The overlay networks: one per site, plus the estate network of the local swarm.
void RenderNetworks(const crds::DesiredState& desired, RenderedState& out);

}  // namespace swarmop::reconciler::internal
