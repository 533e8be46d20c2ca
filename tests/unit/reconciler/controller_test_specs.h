// Manifests the controller tests store as Swarm configs: one Site and one Service placed there.
#pragma once

#include <string>

namespace swarmop::reconciler::testing {

inline std::string SiteYaml(const std::string& name = "douala") {
  return "apiVersion: swarmop.io/v1alpha1\nkind: Site\nmetadata:\n  name: " + name +
         "\nspec:\n  role: edge\n  nodeSelector: {site: " + name + "}\n";
}

inline std::string ServiceYaml(const std::string& name = "api", int replicas = 2,
                               const std::string& site = "douala") {
  return "apiVersion: swarmop.io/v1alpha1\nkind: Service\nmetadata:\n  name: " + name +
         "\nspec:\n  image: local/busybox:1\n  command: [sleep, \"3600\"]\n  sites:\n    " + site +
         ": {replicas: " + std::to_string(replicas) + "}\n";
}

// A Service whose replicas are a string: fails schema validation, but still names its Kind/name.
inline std::string BrokenServiceYaml(const std::string& name = "api") {
  return "apiVersion: swarmop.io/v1alpha1\nkind: Service\nmetadata:\n  name: " + name +
         "\nspec:\n  image: local/busybox:1\n  sites:\n    douala: {replicas: two}\n";
}

}  // namespace swarmop::reconciler::testing
