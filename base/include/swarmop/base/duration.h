// Durations as manifests and flags write them: Go's grammar (time.ParseDuration), which Docker and Kubernetes
// users already know: a sequence of <decimal number><unit>, units ns, us, ms, s, m, h ("1m30s", "1.5h",
// "500ms"). One grammar for specs and command-line flags alike.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace swarmop {

// nullopt when `text` is empty, has a number without a unit ("10"), an unknown unit ("1d"), a sign, or
// exceeds what nanoseconds in 64 bits hold (about 292 years). Never throws.
std::optional<std::chrono::nanoseconds> ParseDuration(std::string_view text);

}  // namespace swarmop
