// The CRD YAML files, embedded at build time by cmake/embed_crds.cmake.
#pragma once

namespace swarmop::crds::internal {
extern const char kSiteCrd[];
extern const char kServiceCrd[];
extern const char kReplicationCrd[];
}  // namespace swarmop::crds::internal
