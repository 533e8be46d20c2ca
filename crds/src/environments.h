// Environment overrides of a Service (`spec.environments.<name>`), applied to the JSON document before
// defaults: env is merged over spec.env, each named site's fields replace those in spec.sites (a site not
// in spec.sites is added), `replicas` sets every site's replicas, `image` replaces the image. The
// `environments` member is then removed: the effective spec (and its hash) does not depend on the other
// environments' overrides.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace swarmop::crds::internal {

void ApplyEnvironment(const std::string& environment, nlohmann::json& service_document);

}  // namespace swarmop::crds::internal
