// Naming rules: how swarmop names Swarm objects, and the limits manifests must respect so those names fit.
//
// Swarm service names are at most 63 characters and match [a-zA-Z0-9][a-zA-Z0-9_.-]*. swarmop names
//   - a Service's Swarm service per site:   "<service>-<site>"           (must fit 63)
//   - a Replication's member service:        "<replication>-<site>"       (must fit 63)
//   - content-addressed configs:             "<service>-<12 hex of sha256>" ... (config names fit 64)
// Therefore every metadata.name is a DNS-1123 label of at most kMaxNameLength (40) characters (lowercase
// letters, digits and '-', starting and ending with a letter or digit), and for every (service or
// replication, site) pair, name.size() + 1 + site.size() <= kMaxSwarmServiceName.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace swarmop::crds {

inline constexpr std::size_t kMaxNameLength = 40;
inline constexpr std::size_t kMaxSwarmServiceName = 63;
inline constexpr std::size_t kMaxSwarmConfigName = 64;

// "<object>-<site>": the Swarm service name for an object placed at a site.
std::string SwarmServiceName(std::string_view object_name, std::string_view site_name);

// True for a DNS-1123 label of at most kMaxNameLength characters.
bool IsValidObjectName(std::string_view name);

}  // namespace swarmop::crds
