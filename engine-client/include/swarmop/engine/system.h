// GET /info and GET /version, reduced to what the operator needs.
#pragma once

#include <cstdint>
#include <string>

namespace swarmop::engine {

struct SystemInfo {
  std::string name;                // engine host name
  std::string server_version;      // "20.10.24+dfsg1"
  std::string swarm_state;         // Swarm.LocalNodeState: inactive | pending | active | error | locked
  std::string node_id;             // Swarm.NodeID
  std::string node_addr;           // Swarm.NodeAddr
  std::string cluster_id;          // Swarm.Cluster.ID (managers only)
  bool control_available = false;  // Swarm.ControlAvailable: true on managers
  int64_t managers = 0;
  int64_t nodes = 0;
};

struct VersionInfo {
  std::string version;          // engine version
  std::string api_version;      // highest API the engine speaks
  std::string min_api_version;  // lowest API the engine accepts
  std::string os;
  std::string arch;
  std::string kernel_version;
};

}  // namespace swarmop::engine
