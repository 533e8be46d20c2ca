// Diff: desired vs actual Swarm service specs, field by field, on the fields swarmop sets. Pure.
//
// What is ignored, so a converged estate diffs empty: values Swarm fills in when we leave them unset
// (UpdateConfig/RollbackConfig/RestartPolicy defaults, EndpointSpec mode vip, tcp/ingress port defaults),
// the "@sha256:" digest a CLI pins on images, the spec-hash label (informational: refreshed on every write),
// network attachments by ID vs name (IDs are mapped to names first), config/secret references by ID
// (compared by name and file target), versions and raw_spec.
// Thread-safety: pure functions.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "swarmop/engine/service.h"

namespace swarmop::reconciler {

// One differing field, printable: {"mode.replicas", "2", "3"}. Empty old/new means absent.
struct FieldChange {
  std::string path;
  std::string old_value;  // actual
  std::string new_value;  // desired
  bool operator==(const FieldChange&) const = default;
};

struct DiffContext {
  // Network ID -> name, so attachments the engine reports by ID compare with rendered names.
  std::map<std::string, std::string> network_names_by_id;
};

// Changes that would turn `actual` into `desired`. Empty when nothing swarmop owns differs.
std::vector<FieldChange> DiffServices(const engine::ServiceSpec& desired, const engine::ServiceSpec& actual,
                                      const DiffContext& context = {});

// True when the change cannot be applied by an update (mode kind change, rename): remove + create instead.
bool NeedsReplace(const engine::ServiceSpec& desired, const engine::ServiceSpec& actual);

// "nginx:1@sha256:abc..." -> "nginx:1".
std::string ImageWithoutDigest(const std::string& image);

}  // namespace swarmop::reconciler
