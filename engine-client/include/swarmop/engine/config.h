// Configs and secrets: immutable Swarm objects. Only labels can be updated; rotate content by creating a new
// object under a new name.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace swarmop::engine {

struct ConfigSpec {
  std::string name;
  std::map<std::string, std::string> labels;
  std::string data;      // decoded bytes (base64 on the wire)
  std::string raw_spec;  // Spec JSON as read; opaque, see service.h
};

struct Config {
  std::string id;
  uint64_t version = 0;
  std::string created_at;
  std::string updated_at;
  ConfigSpec spec;
};

struct SecretSpec {
  std::string name;
  std::map<std::string, std::string> labels;
  std::string data;  // write-only: the engine never returns secret data, so it is empty after a read
  std::string raw_spec;
};

struct Secret {
  std::string id;
  uint64_t version = 0;
  std::string created_at;
  std::string updated_at;
  SecretSpec spec;
};

}  // namespace swarmop::engine
