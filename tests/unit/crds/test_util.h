// Helpers shared by the crds unit tests.
#pragma once

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "swarmop/crds/load.h"

namespace swarmop::crds::testing {

inline std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

inline LoadResult LoadText(const std::string& yaml, const LoadOptions& options = {}) {
  return LoadSpecs({{"test.yaml", yaml}}, options);
}

// Sites every cross-reference test can rely on.
inline const char* kThreeSites = R"(
apiVersion: swarmop.io/v1alpha1
kind: Site
metadata: {name: cloud}
spec: {role: cloud, nodeSelector: {site: cloud}}
---
apiVersion: swarmop.io/v1alpha1
kind: Site
metadata: {name: douala}
spec: {role: edge, nodeSelector: {site: douala}, failover: yaounde}
---
apiVersion: swarmop.io/v1alpha1
kind: Site
metadata: {name: yaounde}
spec: {role: edge, nodeSelector: {site: yaounde}, failover: douala}
---
)";

}  // namespace swarmop::crds::testing
