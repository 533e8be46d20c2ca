// The controller's io.swarmop.status.* labels on a spec's config, as `swarmop get` shows them.
#pragma once

#include <map>
#include <string>

namespace swarmop::cli {

// "Ready", "Progressing: Applied", "Degraded: ApplyFailed", or "-" when the controller wrote nothing yet.
std::string StatusText(const std::map<std::string, std::string>& config_labels);

}  // namespace swarmop::cli
