// The kong profile: Kong in DB-less mode as the estate's gateway, configured from every Service that says
// `expose`.
//
// For a gateway Service (profile: kong), the declarative config (`_format_version: "3.0"`, decK's file
// format) holds, per exposed Service S (sorted by name):
//   - a Kong service "S" (http to the upstream "S.upstream" on expose.port, connect 5 s, read/write 60 s,
//     3 retries) with one route "S" (expose.paths and hosts, http and https, strip_path false,
//     preserve_host true);
//   - an upstream "S.upstream" with one target "<S>-<site>:<port>" (weight 100) per site of S in the
//     gateway's swarm (the Swarm service names resolve over the estate network); targets at sites of
//     other swarms are left out with a warning;
//   - active health checks: http GET on S's healthcheck.http path when it probes expose.port, else a tcp
//     connect; every min(healthcheck.interval, 10 s) (default 5 s), timeout min(healthcheck.timeout, 5 s),
//     a target is unhealthy after healthcheck.retries failures (default 3) and healthy again after 2
//     successes, so a dark site's target is taken out and comes back by itself; passive checks take a
//     target out after 3 connection failures or timeouts of real traffic;
// plus the gateway's own `kong.plugins` (global, or on one exposed Service's Kong service; one naming a
// Service that exposes nothing, e.g. a stored gateway that outlived it, is left out with a warning).
// YAML keys are sorted and lists ordered by name, so the same estate always renders the same bytes.
//
// On every per-site service of the gateway the profile mounts that text as the content-addressed Swarm
// config "<gateway>-kong.yml-<hash>" at /kong/kong.yml, sets KONG_DATABASE=off and
// KONG_DECLARATIVE_CONFIG=/kong/kong.yml (over the Service's own env), and rolls out start-first (unless
// a port is published in host mode: a second task could not bind it on the same node). A changed exposed
// Service changes the text, hence the config name, hence the gateway's task spec: Swarm rolls it.
// Thread-safety: pure functions over values.
#pragma once

#include <string>

#include "swarmop/base/status.h"
#include "swarmop/crds/model.h"
#include "swarmop/reconciler/core/render.h"

namespace swarmop::reconciler::profiles {

inline constexpr const char* kKongConfigPath = "/kong/kong.yml";

struct KongConfig {
  std::string yaml;                   // the declarative config, as mounted
  std::vector<std::string> warnings;  // targets left out, health checks that fell back to tcp
};

// The declarative config `gateway` serves from `gateway_site` (which decides the targets it can reach).
StatusOr<KongConfig> RenderKongConfig(const crds::DesiredState& desired, const crds::Service& gateway,
                                      const std::string& gateway_site);

// The RenderOptions::profiles hook for crds::Profile::kKong.
Status RenderKongProfile(const ProfileContext& context, RenderedState& out);

}  // namespace swarmop::reconciler::profiles
