// SiteEngine: an engine::Engine for one separate-swarm site that goes through SiteEngines on every call,
// so it can be handed to the core and the controller before the site has ever answered: each call
// connects when needed (within the site's connect timeout) and fails like any engine call
// (kUnavailable, kTimeout) while the site is dark. Calls on one site never wait for another site.
// Thread-safety: as SiteEngines (safe from any thread).
#pragma once

#include <memory>
#include <string>

#include "swarmop/engine/engine.h"
#include "swarmop/reconciler/sites/site_engines.h"

namespace swarmop::reconciler {

// Borrows `engines`, which must outlive the returned engine.
std::unique_ptr<engine::Engine> MakeSiteEngine(SiteEngines& engines, std::string site);

}  // namespace swarmop::reconciler
