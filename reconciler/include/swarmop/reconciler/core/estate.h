// Actual state: what the local swarm holds that matters to a plan. Gathered through the Engine interface.
//
// Owned objects are listed by the io.swarmop.managed-by=swarmop label. Unowned services are listed only by
// the exact names the desired state wants (so the plan can say "exists and is not swarmop's: left alone"
// instead of failing with 409 later). All networks are listed, to map the IDs services report back to names.
// Thread-safety: GatherActualState is safe to call concurrently if the engine is.
#pragma once

#include <string>
#include <vector>

#include "swarmop/base/status.h"
#include "swarmop/engine/engine.h"
#include "swarmop/reconciler/core/render.h"

namespace swarmop::reconciler {

struct ActualState {
  std::vector<engine::Service> services;          // owned by swarmop
  std::vector<engine::Service> unowned_services;  // not swarmop's, with a name the desired state wants
  std::vector<engine::Config> configs;            // owned by swarmop
  std::vector<engine::Network> networks;          // every network (owned or not; see IsOwned)
  std::vector<std::string> existing_secrets;      // names of secrets the desired services reference
  std::vector<std::string> existing_configs;      // names of unowned configs referenced with `from:`

  const engine::Network* FindNetworkByIdOrName(const std::string& id_or_name) const;
};

// Lists the actual state for `desired` (only the local swarm's objects are considered).
StatusOr<ActualState> GatherActualState(engine::Engine& engine, const RenderedState& desired);

}  // namespace swarmop::reconciler
