// Units in manifests: durations ("1m30s") and memory sizes ("512Mi", "1G", 1048576).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "swarmop/base/duration.h"
#include "swarmop/crds/model.h"

namespace swarmop::crds::internal {

// Durations ("1m30s") are swarmop::ParseDuration (base/duration.h), shared with the CLI's flags.
using swarmop::ParseDuration;

// Kubernetes quantities: k, M, G, T are powers of 1000; Ki, Mi, Gi, Ti powers of 1024; no suffix = bytes.
std::optional<int64_t> ParseMemoryBytes(const std::string& text);

}  // namespace swarmop::crds::internal
