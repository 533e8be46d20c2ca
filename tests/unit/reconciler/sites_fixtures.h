// Small builders shared by the sites tests: nodes with labels and states, sites, services.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "swarmop/crds/model.h"
#include "swarmop/engine/node.h"

namespace swarmop::reconciler::sites_test {

inline engine::Node MakeNode(const std::string& hostname, const std::string& site, const std::string& state,
                             const std::string& role = "worker") {
  engine::Node node;
  node.id = "id-" + hostname;
  node.hostname = hostname;
  node.spec.name = hostname;
  node.spec.role = role;
  node.spec.labels = {{"site", site}};
  node.state = state;
  return node;
}

inline crds::Site MakeSite(const std::string& name, const std::string& partner = "",
                           crds::SiteRole role = crds::SiteRole::kEdge) {
  crds::Site site;
  site.metadata.name = name;
  site.spec.role = role;
  site.spec.node_selector = {{"site", name}};
  site.spec.failover = partner;
  return site;
}

inline crds::Service MakeService(const std::string& name, crds::FailoverPolicy policy,
                                 const std::map<std::string, int>& replicas_by_site) {
  crds::Service service;
  service.metadata.name = name;
  service.spec.image = "local/busybox:1";
  service.spec.failover = policy;
  for (const auto& [site, replicas] : replicas_by_site) service.spec.sites[site].replicas = replicas;
  return service;
}

// douala <-> yaounde partners, cloud without partner.
inline crds::DesiredState ThreeSites() {
  crds::DesiredState desired;
  desired.sites = {MakeSite("cloud", "", crds::SiteRole::kCloud), MakeSite("douala", "yaounde"),
                   MakeSite("yaounde", "douala")};
  return desired;
}

}  // namespace swarmop::reconciler::sites_test
