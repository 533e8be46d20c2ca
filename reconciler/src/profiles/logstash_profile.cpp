// The logstash profile's hooks: the Logstash service itself (global, host-mode GELF port, pipeline,
// credentials wrapper) and the gelf log driver of every Service at its sites. See profiles/logstash.h.
#include <algorithm>

#include "swarmop/reconciler/core/labels.h"
#include "swarmop/reconciler/profiles/logstash.h"

namespace swarmop::reconciler::profiles {
namespace {

constexpr const char* kPipelineFile = "logstash.conf";
constexpr const char* kEntrypointFile = "logstash-entrypoint";

void Warn(RenderedState& out, const std::string& text) {
  if (std::find(out.warnings.begin(), out.warnings.end(), text) == out.warnings.end())
    out.warnings.push_back(text);
}

// Mounts `config_name` at `path` unless the Service mounts something there itself.
void Mount(engine::ContainerSpec& container, const std::string& config_name, const std::string& path,
           uint32_t mode) {
  bool taken = std::any_of(container.configs.begin(), container.configs.end(),
                           [&](const engine::ConfigReference& c) { return c.file.name == path; });
  if (taken) return;
  engine::FileTarget file;
  file.name = path;
  file.mode = mode;
  container.configs.push_back(engine::ConfigReference{"", config_name, file});
}

void AddSecret(engine::ContainerSpec& container, const std::string& secret) {
  bool present = std::any_of(container.secrets.begin(), container.secrets.end(),
                             [&](const engine::SecretReference& s) { return s.secret_name == secret; });
  if (present) return;
  engine::FileTarget file;
  file.name = secret;  // /run/secrets/<secret>
  container.secrets.push_back(engine::SecretReference{"", secret, file});
}

void PublishGelfPort(engine::ServiceSpec& spec) {
  if (!spec.endpoint_spec) spec.endpoint_spec = engine::EndpointSpec{};
  auto& ports = spec.endpoint_spec->ports;
  bool taken = std::any_of(ports.begin(), ports.end(), [](const engine::PortConfig& p) {
    return p.protocol == "udp" && p.published_port == static_cast<uint32_t>(kGelfPort);
  });
  if (taken) return;
  engine::PortConfig port;
  port.protocol = "udp";
  port.target_port = kGelfPort;
  port.published_port = kGelfPort;
  port.publish_mode = "host";  // the gelf driver sends to 127.0.0.1 of its own node
  ports.push_back(port);
}

}  // namespace

const crds::Service* SiteLogstash(const crds::DesiredState& desired, const std::string& site) {
  const crds::Service* found = nullptr;
  for (const crds::Service& service : desired.services) {
    if (service.spec.profile != crds::Profile::kLogstash || !service.spec.sites.count(site)) continue;
    if (found == nullptr || service.name() < found->name()) found = &service;
  }
  return found;
}

Status RenderLogstashProfile(const ProfileContext& context, RenderedState& out) {
  const crds::Service& logstash = context.service;
  const Owner owner{"Service", logstash.name()};
  const std::string who = "Service " + logstash.name() + " (logstash)";
  if (logstash.spec.mode != crds::ServiceMode::kGlobal) {
    Warn(out, who +
                  ": rendered in global mode (one Logstash on every node of its sites: the gelf log driver "
                  "sends to its own node); say mode: global");
  }
  const std::string secret =
      logstash.spec.logstash ? logstash.spec.logstash->credentials_secret : std::string();
  if (secret.empty()) {
    Warn(out, who + ": no logstash.credentialsSecret, so Elasticsearch is written to without credentials");
  }
  for (DesiredService& service : out.services) {
    if (service.owner != owner) continue;
    const crds::Service* first = SiteLogstash(context.desired, service.site);
    if (first != nullptr && first->name() != logstash.name()) {
      Warn(out, who + " at " + service.site + ": the site's services ship their logs to " + first->name() +
                    ", the first logstash Service there by name");
    }
    service.spec.mode.kind = engine::ServiceMode::Kind::kGlobal;  // replicas mean nothing in global mode
    PublishGelfPort(service.spec);
    engine::ContainerSpec& container = service.spec.task_template.container_spec;
    Mount(container,
          AddContentConfig(owner, kPipelineFile, RenderLogstashPipeline(logstash, service.site), out),
          kLogstashPipelinePath, 0444);
    if (secret.empty()) continue;
    AddSecret(container, secret);
    Mount(container, AddContentConfig(owner, kEntrypointFile, RenderLogstashEntrypoint(secret), out),
          kLogstashEntrypointPath, 0555);
    if (container.command.empty()) container.command = {"/bin/sh", kLogstashEntrypointPath};
  }
  return Status::Ok();
}

Status ShipLogsToSiteLogstash(const ProfileContext& context, DesiredService& service) {
  const crds::Service& spec = context.service;
  if (spec.spec.logging) return Status::Ok();                              // the Service's own logging wins
  if (spec.spec.profile == crds::Profile::kLogstash) return Status::Ok();  // never to itself: a loop
  if (SiteLogstash(context.desired, service.site) == nullptr) return Status::Ok();
  engine::TaskTemplate& task = service.spec.task_template;
  task.container_spec.labels[labels::kSite] = service.site;
  task.container_spec.labels[labels::kOwnerName] = spec.name();
  engine::LogDriver driver;
  driver.name = "gelf";
  driver.options = {
      {"gelf-address", kGelfAddress},
      {"tag", service.spec.name},
      {"labels", std::string(labels::kSite) + "," + labels::kOwnerName +
                     ",com.docker.swarm.service.name,com.docker.swarm.task.name"},
  };
  task.log_driver = std::move(driver);
  return Status::Ok();
}

void UseLogstashProfile(RenderOptions& options) {
  options.profiles[crds::Profile::kLogstash] = RenderLogstashProfile;
  options.service_adjusters.push_back(ShipLogsToSiteLogstash);
}

}  // namespace swarmop::reconciler::profiles
