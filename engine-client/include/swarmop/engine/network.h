// Network model. The engine has no network update: changing a network means remove + create.
#pragma once

#include <map>
#include <string>

namespace swarmop::engine {

struct NetworkSpec {
  std::string name;
  std::string driver = "overlay";
  bool attachable = false;
  bool internal = false;
  std::map<std::string, std::string> options;  // {"encrypted": ""} turns on IPsec for overlay traffic
  std::map<std::string, std::string> labels;
};

struct Network {
  std::string id;
  std::string name;
  std::string driver;  // empty for a swarm network until the manager's allocator has run (right after create)
  std::string scope;   // swarm | local
  bool attachable = false;
  bool internal = false;
  std::map<std::string, std::string> options;
  std::map<std::string, std::string> labels;
  std::string created;
};

}  // namespace swarmop::engine
