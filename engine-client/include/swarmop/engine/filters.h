// Filters for list operations. Label selectors run on the engine; exact names are checked client-side
// because the engine's name filter matches by prefix ("web" also finds "web2").
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace swarmop::engine {

struct ListFilter {
  // "key" (label present) or "key=value"; ANDed.
  std::vector<std::string> labels;
  // Exact name. Objects whose name merely starts with it are dropped.
  std::optional<std::string> name;

  static ListFilter Labels(const std::map<std::string, std::string>& labels);
  static ListFilter Name(std::string name);
};

struct TaskFilter {
  std::optional<std::string> service;        // service ID or exact service name
  std::optional<std::string> desired_state;  // "running", "shutdown", "accepted"
  std::optional<std::string> node;           // node ID or hostname
  std::vector<std::string> labels;           // task labels, "k" or "k=v"
};

struct EventFilter {
  // "service", "node", "config", "secret", "network", "container", ... Empty: every type.
  std::vector<std::string> types;
  std::vector<std::string> labels;  // "k" or "k=v"
  // Replay from this time (nanoseconds since the epoch); 0 = only new events. The engine keeps only the
  // last 256 events, so a replay is best effort.
  int64_t since_unix_nano = 0;
};

}  // namespace swarmop::engine
