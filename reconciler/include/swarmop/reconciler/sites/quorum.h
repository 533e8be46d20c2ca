// Manager placement in a stretched swarm: Swarm's Raft needs a majority of managers (floor(n/2) + 1) to
// change anything, so where the managers sit decides which site losses the swarm survives. This check says,
// from the nodes as they are, which single site loss would cost the quorum, and in particular whether the
// sites keep operating when the cloud is lost. Recommended placements are in docs/sites.md
// (3 managers: one per site; 5: 2/2/1).
// Thread-safety: pure function over values.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "swarmop/crds/model.h"
#include "swarmop/engine/node.h"

namespace swarmop::reconciler {

struct ManagerPlacement {
  int managers = 0;
  int quorum = 0;                               // floor(managers / 2) + 1
  std::map<std::string, int> managers_by_site;  // stretched sites only; sites without managers show 0
  int managers_outside_sites = 0;               // managers no site's nodeSelector matches
  bool survives_cloud_loss = true;              // losing every cloud site keeps the quorum
  std::vector<std::string> sites_whose_loss_breaks_quorum;
  std::vector<std::string> warnings;  // for people: log them, show them in `swarmop get sites`
};

// Judges the managers among `nodes` (Spec.Role == "manager") against the stretched Sites of `desired`
// (those with a nodeSelector). Separate-swarm sites have their own managers and are not counted.
ManagerPlacement CheckManagerPlacement(const crds::DesiredState& desired,
                                       const std::vector<engine::Node>& nodes);

}  // namespace swarmop::reconciler
