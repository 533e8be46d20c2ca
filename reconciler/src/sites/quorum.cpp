#include "swarmop/reconciler/sites/quorum.h"

#include "swarmop/reconciler/sites/site_health.h"

namespace swarmop::reconciler {
namespace {

bool IsManager(const engine::Node& node) { return node.spec.role == "manager"; }

std::string Count(int n, const char* what) { return std::to_string(n) + " " + what + (n == 1 ? "" : "s"); }

// Counts managers per stretched site (a node matching several selectors counts for each).
void CountManagers(const crds::DesiredState& desired, const std::vector<engine::Node>& nodes,
                   ManagerPlacement& out) {
  for (const crds::Site& site : desired.sites) {
    if (!site.spec.node_selector.empty()) out.managers_by_site[site.name()] = 0;
  }
  for (const engine::Node& node : nodes) {
    if (!IsManager(node)) continue;
    ++out.managers;
    bool placed = false;
    for (const crds::Site& site : desired.sites) {
      if (!NodeMatchesSelector(node, site.spec.node_selector)) continue;
      ++out.managers_by_site[site.name()];
      placed = true;
    }
    if (!placed) ++out.managers_outside_sites;
  }
  out.quorum = out.managers / 2 + 1;
}

void CheckSiteLosses(const crds::DesiredState& desired, ManagerPlacement& out) {
  int cloud_managers = 0;
  bool has_cloud = false;
  for (const crds::Site& site : desired.sites) {
    auto it = out.managers_by_site.find(site.name());
    if (it == out.managers_by_site.end()) continue;
    if (site.spec.role == crds::SiteRole::kCloud) {
      has_cloud = true;
      cloud_managers += it->second;
    }
    if (out.managers - it->second >= out.quorum) continue;
    out.sites_whose_loss_breaks_quorum.push_back(site.name());
    out.warnings.push_back("losing site " + site.name() + " (" + Count(it->second, "manager") + " of " +
                           std::to_string(out.managers) + ") loses the Raft quorum of " +
                           std::to_string(out.quorum) + ": the swarm cannot be changed until it returns");
  }
  out.survives_cloud_loss = !has_cloud || out.managers - cloud_managers >= out.quorum;
  if (!out.survives_cloud_loss) {
    out.warnings.push_back("this layout cannot survive the loss of the cloud: " +
                           Count(cloud_managers, "manager") + " of " + std::to_string(out.managers) +
                           " are there; place managers one per site (3) or 2/2/1 (5), see docs/sites.md");
  }
}

void CheckCountsAndExpectations(const crds::DesiredState& desired, ManagerPlacement& out) {
  if (out.managers == 1) {
    out.warnings.push_back("a single manager: losing it stops every change to the swarm");
  } else if (out.managers > 0 && out.managers % 2 == 0) {
    out.warnings.push_back("an even number of managers (" + std::to_string(out.managers) +
                           ") tolerates no more losses than " + std::to_string(out.managers - 1) +
                           ": use an odd number");
  }
  if (out.managers_outside_sites > 0) {
    out.warnings.push_back(Count(out.managers_outside_sites, "manager") +
                           (out.managers_outside_sites == 1 ? " belongs" : " belong") +
                           " to no site's nodeSelector");
  }
  for (const crds::Site& site : desired.sites) {
    auto it = out.managers_by_site.find(site.name());
    if (it == out.managers_by_site.end() || !site.spec.managers || *site.spec.managers == it->second)
      continue;
    out.warnings.push_back("site " + site.name() + " expects " + Count(*site.spec.managers, "manager") +
                           " but has " + std::to_string(it->second));
  }
}

}  // namespace

ManagerPlacement CheckManagerPlacement(const crds::DesiredState& desired,
                                       const std::vector<engine::Node>& nodes) {
  ManagerPlacement out;
  CountManagers(desired, nodes, out);
  if (out.managers == 0) {
    out.warnings.push_back("no manager among the nodes: cannot judge the placement");
    return out;
  }
  CheckSiteLosses(desired, out);
  CheckCountsAndExpectations(desired, out);
  return out;
}

}  // namespace swarmop::reconciler
