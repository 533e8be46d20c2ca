// Small builders shared by the sites tests: nodes with labels and states, services; the sites come from
// tests/support/stretched_sites.h (ThreeStretchedSites), which the integration tests share.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "stretched_sites.h"  // tests/support
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

inline crds::Service MakeService(const std::string& name, crds::FailoverPolicy policy,
                                 const std::map<std::string, int>& replicas_by_site) {
  crds::Service service;
  service.metadata.name = name;
  service.spec.image = "local/busybox:1";
  service.spec.failover = policy;
  for (const auto& [site, replicas] : replicas_by_site) service.spec.sites[site].replicas = replicas;
  return service;
}

}  // namespace swarmop::reconciler::sites_test
