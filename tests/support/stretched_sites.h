// The Sites of a stretched estate, as the sites tests (unit and integration) build them: each selects the
// nodes labelled site=<name>, douala and yaounde fail over to each other, cloud has no partner. Test-only.
#pragma once

#include <string>

#include "swarmop/crds/model.h"

namespace swarmop::testsupport {

// A Site of the one swarm selecting nodes labelled site=<name>, failing over to `partner` ("" for none).
inline crds::Site StretchedSite(const std::string& name, const std::string& partner = "",
                                crds::SiteRole role = crds::SiteRole::kEdge) {
  crds::Site site;
  site.metadata.name = name;
  site.spec.role = role;
  site.spec.node_selector = {{"site", name}};
  site.spec.failover = partner;
  return site;
}

// cloud (role cloud, no partner), douala <-> yaounde (edges, partners): the stretched test bed's sites.
inline crds::DesiredState ThreeStretchedSites() {
  crds::DesiredState desired;
  desired.sites = {StretchedSite("cloud", "", crds::SiteRole::kCloud), StretchedSite("douala", "yaounde"),
                   StretchedSite("yaounde", "douala")};
  return desired;
}

}  // namespace swarmop::testsupport
