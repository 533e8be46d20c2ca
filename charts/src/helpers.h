// One template rendered with kainjow mustache and the chart helpers (toYaml, join, default, required, quote;
// see render.h). Output is not HTML-escaped.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "swarmop/crds/diagnostic.h"

namespace swarmop::charts::internal {

struct TemplateOutput {
  std::string text;
  std::optional<crds::Diagnostic> error;  // file:line:column of the tag at fault
};

// `root` holds Values, Release and Chart. `file` names the template in diagnostics.
TemplateOutput RenderTemplate(const std::string& file, const std::string& content,
                              const nlohmann::json& root);

}  // namespace swarmop::charts::internal
