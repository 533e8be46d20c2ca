// Node model. UpdateNode sends the WHOLE NodeSpec; unknown spec fields survive through raw_spec.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace swarmop::engine {

struct NodeSpec {
  std::string name;
  std::map<std::string, std::string> labels;  // node labels (placement: node.labels.X)
  std::string role;                           // worker | manager
  std::string availability;                   // active | pause | drain
  std::string raw_spec;                       // Spec JSON as read; opaque, see service.h
  bool operator==(const NodeSpec& o) const {
    return name == o.name && labels == o.labels && role == o.role && availability == o.availability;
  }
};

struct ManagerStatus {
  bool leader = false;
  std::string reachability;  // reachable | unreachable | unknown
  std::string addr;
};

struct Node {
  std::string id;
  uint64_t version = 0;
  NodeSpec spec;
  std::string hostname;                              // Description.Hostname
  std::map<std::string, std::string> engine_labels;  // Description.Engine.Labels
  std::string state;                                 // Status.State: unknown | down | ready | disconnected
  std::string addr;                                  // Status.Addr
  std::string status_message;
  std::optional<ManagerStatus> manager_status;
  std::string created_at;
  std::string updated_at;
};

}  // namespace swarmop::engine
