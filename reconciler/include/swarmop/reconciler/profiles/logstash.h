// The logstash profile: one Logstash per site receives the logs of every Service placed there (Docker's gelf
// log driver) and ships them to Elasticsearch in the cloud.
//
// The Logstash Service (profile: logstash, `logstash: {elasticsearch: https://..., credentialsSecret: S}`)
// gets, on each per-site Swarm service:
//   - global mode (one task on every node of the site: the gelf driver runs in each node's dockerd, on the
//     host network, and sends to 127.0.0.1), and 12201/udp published in host mode (unless the Service
//     publishes 12201 itself); a Service that says replicated is rendered global anyway, with a warning;
//   - the pipeline (RenderLogstashPipeline) as the content-addressed config "<service>-logstash.conf-<hash>"
//     at /usr/share/logstash/pipeline/logstash.conf (the image's default pipeline path, replaced);
//   - with credentialsSecret S: the secret at /run/secrets/S and the entrypoint wrapper
//     (RenderLogstashEntrypoint) as a config at /usr/local/bin/swarmop-logstash-entrypoint, run as the
//     command when the Service sets none. S holds "user:password" of the Elasticsearch writer; the wrapper
//     reads it at start and exports ES_USER/ES_PASSWORD into the Logstash process only, which the pipeline
//     reads as ${ES_USER}/${ES_PASSWORD}. So the password is in no config text, env listing or label.
//     (Why not the Logstash keystore: it would be made at every start from the same secret, by a second JVM
//     run, and needs LOGSTASH_KEYSTORE_PASS, itself a secret to pass in the same way; it adds a step and
//     no protection.)
//
// Log shipping (ShipLogsToSiteLogstash, a RenderOptions::service_adjusters entry): every per-site service
// of a Service at a site where a logstash Service runs gets the log driver gelf with
//   gelf-address udp://127.0.0.1:12201, tag <swarm service>, labels io.swarmop.site,io.swarmop.owner-name,
//   com.docker.swarm.service.name,com.docker.swarm.task.name
// and the container labels io.swarmop.site=<site> and io.swarmop.owner-name=<Service> (the gelf driver
// sends the listed container labels as the GELF extra fields _io.swarmop.site, ...; Swarm adds the
// com.docker.swarm.* ones itself). A Service's own `logging` wins, and a logstash Service never ships its
// own logs to itself (a loop). Everything rendered is a pure function of the desired state, so a converged
// estate re-renders the same bytes: no update churn.
// Thread-safety: pure functions over values.
#pragma once

#include <string>

#include "swarmop/base/status.h"
#include "swarmop/crds/model.h"
#include "swarmop/reconciler/core/render.h"

namespace swarmop::reconciler::profiles {

inline constexpr int kGelfPort = 12201;
inline constexpr const char* kGelfAddress = "udp://127.0.0.1:12201";
inline constexpr const char* kLogstashPipelinePath = "/usr/share/logstash/pipeline/logstash.conf";
inline constexpr const char* kLogstashEntrypointPath = "/usr/local/bin/swarmop-logstash-entrypoint";
// The image's own entrypoint, which the wrapper runs (the official logstash image's).
inline constexpr const char* kLogstashImageEntrypoint = "/usr/local/bin/docker-entrypoint";

// The pipeline `logstash` (profile logstash) runs at `site`. Deterministic: same input, same bytes.
std::string RenderLogstashPipeline(const crds::Service& logstash, const std::string& site);

// The wrapper that exports the credentials of `secret_name` and runs the image's entrypoint.
std::string RenderLogstashEntrypoint(const std::string& secret_name);

// The logstash Service placed at `site`, if any (the first by name when several are: a warning elsewhere).
const crds::Service* SiteLogstash(const crds::DesiredState& desired, const std::string& site);

// The RenderOptions::profiles hook for crds::Profile::kLogstash.
Status RenderLogstashProfile(const ProfileContext& context, RenderedState& out);

// The RenderOptions::service_adjusters entry: the gelf log driver towards the site's Logstash.
Status ShipLogsToSiteLogstash(const ProfileContext& context, DesiredService& service);

// Sets options.profiles[logstash] and adds ShipLogsToSiteLogstash to options.service_adjusters.
void UseLogstashProfile(RenderOptions& options);

}  // namespace swarmop::reconciler::profiles
