// Helpers for the Replication tests against real swarms: what the Engine API of engine-client does not cover
// (images, volumes) goes through the docker CLI, and the MongoDB stand-in image.
//
// No registry is reachable here, so `mongo:7.0` cannot run. The stand-in image is built from the test bed's
// local/busybox:1 without a build (create + cp + commit): /bin/mongod sleeps until SIGTERM (so a member's
// task runs, as a real mongod would) and /bin/mongosh exits 0 (so the init job completes). What swarmop
// renders (args, mounts, secrets, placement) is unchanged: only spec.image names the stand-in.
#pragma once

#include <set>
#include <string>

#include "swarmop/base/status.h"

namespace swarmop::replication_it {

inline constexpr const char* kStubImage = "local/mongo-stub:1";

struct CliResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

// `docker -H <host> <args>` (args are passed to sh as they are: quote them).
CliResult Docker(const std::string& host, const std::string& args);

// Builds kStubImage in the engine at `host` from local/busybox:1. Idempotent.
Status BuildMongoStubImage(const std::string& host);

// Names of the volumes of the engine at `host` (a node's own engine: volumes are per node).
StatusOr<std::set<std::string>> ListVolumes(const std::string& host);

// Test cleanup only (swarmop itself never removes a volume): retries while a container still uses it.
Status RemoveVolumeEventually(const std::string& host, const std::string& name);

}  // namespace swarmop::replication_it
