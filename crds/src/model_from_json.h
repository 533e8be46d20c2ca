// Validated, defaulted JSON documents -> the typed model. The input has passed schema validation, so types
// are trusted; missing optional members get the struct defaults.
#pragma once

#include <nlohmann/json.hpp>

#include "swarmop/crds/model.h"

namespace swarmop::crds::internal {

ObjectMeta MetaFromJson(const nlohmann::json& metadata);
SiteSpec SiteSpecFromJson(const nlohmann::json& spec);
ServiceSpec ServiceSpecFromJson(const nlohmann::json& spec);
ReplicationSpec ReplicationSpecFromJson(const nlohmann::json& spec);

}  // namespace swarmop::crds::internal
