#include "member_service.h"

#include <algorithm>

#include "swarmop/crds/naming.h"
#include "swarmop/reconciler/core/labels.h"

namespace swarmop::reconciler::replication {
namespace {

// Which swarm the site's objects go to (render.h: empty engine host = the local swarm).
Target TargetOf(const crds::Site& site) {
  if (!site.spec.engine) return {};
  return Target{site.name(), site.spec.engine->host};
}

// The site's nodeSelector as Swarm constraints. The core's equivalent (service_render.cpp) is private to it
// and also merges a Service's own constraints, which a Replication does not have.
std::vector<std::string> SiteConstraints(const crds::Site& site) {
  std::vector<std::string> out;
  for (const auto& [key, value] : site.spec.node_selector) out.push_back("node.labels." + key + "==" + value);
  return out;
}

std::vector<engine::NetworkAttachment> Networks(const crds::Site& site) {
  std::vector<engine::NetworkAttachment> out{{SiteNetworkName(site.name()), {}}};
  // Members at different sites of the local swarm reach each other over the estate network.
  if (!site.spec.engine) out.push_back({kEstateNetworkName, {}});
  return out;
}

Status CheckName(const crds::Replication& replication, const std::string& swarm_name) {
  if (swarm_name.size() <= crds::kMaxSwarmServiceName) return Status::Ok();
  return InvalidArgumentError("Swarm name \"" + swarm_name +
                              "\" is longer than 63 characters (shorten the replication or site name)");
}

DesiredService Base(const crds::Replication& replication, const crds::Site& site,
                    const std::string& swarm_name) {
  DesiredService out;
  out.owner = Owner{kOwnerKind, replication.name()};
  out.site = site.name();
  out.target = TargetOf(site);
  engine::ServiceSpec& spec = out.spec;
  spec.name = swarm_name;
  spec.labels = OwnedLabels(out.owner, site.name(), replication.hash);
  spec.task_template.container_spec.image = replication.spec.image;
  spec.task_template.placement.constraints = SiteConstraints(site);
  spec.task_template.networks = Networks(site);
  spec.endpoint_spec = engine::EndpointSpec{"dnsrr", {}};
  return out;
}

}  // namespace

StatusOr<DesiredService> DatabaseService(const crds::Replication& replication, const crds::Site& site,
                                         const std::string& swarm_name) {
  SWARMOP_RETURN_IF_ERROR(CheckName(replication, swarm_name));
  DesiredService out = Base(replication, site, swarm_name);
  out.spec.mode.kind = engine::ServiceMode::Kind::kReplicated;
  out.spec.mode.replicas = 1;  // one member per site: two tasks would share (and corrupt) one data volume
  engine::RestartPolicy restart;
  restart.condition = "any";
  out.spec.task_template.restart_policy = restart;
  // Stop the old task before starting the new one: two servers must never open the same data directory.
  engine::UpdatePolicy update;
  update.order = "stop-first";
  update.failure_action = "pause";
  out.spec.update_config = update;
  return out;
}

StatusOr<DesiredService> DatabaseJob(const crds::Replication& replication, const crds::Site& site,
                                     const std::string& swarm_name) {
  SWARMOP_RETURN_IF_ERROR(CheckName(replication, swarm_name));
  DesiredService out = Base(replication, site, swarm_name);
  out.spec.mode.kind = engine::ServiceMode::Kind::kReplicatedJob;
  out.spec.mode.max_concurrent = 1;
  out.spec.mode.total_completions = 1;
  engine::RestartPolicy restart;
  restart.condition = "on-failure";  // the database may not be up yet: retry until the job succeeds
  restart.delay_ns = 5'000'000'000;
  out.spec.task_template.restart_policy = restart;
  return out;
}

void MountData(const crds::Replication& replication, const std::string& suffix, const std::string& target,
               DesiredService& service, RenderedState& out) {
  if (replication.spec.storage_volume.empty()) {
    out.warnings.push_back("Replication " + replication.name() + ": no storage.volume, so " +
                           service.spec.name + " keeps its data only as long as its task");
    return;
  }
  engine::Mount mount;
  mount.type = "volume";
  mount.source = replication.spec.storage_volume + "-" + suffix;
  mount.target = target;
  service.spec.task_template.container_spec.mounts.push_back(mount);
}

void MountSecret(const std::string& name, engine::ContainerSpec& container, const std::string& uid,
                 const std::string& gid, uint32_t mode) {
  engine::FileTarget file{name, uid, gid, mode};
  container.secrets.push_back(engine::SecretReference{"", name, file});
}

std::string MountConfig(const crds::Replication& replication, const std::string& file,
                        const std::string& content, engine::ContainerSpec& container, RenderedState& out) {
  std::string name = ContentConfigName(replication.name(), file, content);
  bool known = std::any_of(out.configs.begin(), out.configs.end(),
                           [&](const DesiredConfig& c) { return c.spec.name == name; });
  if (!known) {
    DesiredConfig config;
    config.owner = Owner{kOwnerKind, replication.name()};
    config.spec.name = name;
    config.spec.data = content;
    config.spec.labels = OwnedLabels(config.owner, "", "");
    out.configs.push_back(std::move(config));
  }
  std::string path = std::string(kConfigDir) + "/" + file;
  engine::FileTarget target;
  target.name = path;
  container.configs.push_back(engine::ConfigReference{"", name, target});
  return path;
}

StatusOr<const crds::Site*> SiteOf(const crds::DesiredState& desired, const crds::Replication& replication,
                                   const std::string& name) {
  const crds::Site* site = desired.FindSite(name);
  if (site == nullptr) {
    return InvalidArgumentError("no Site named \"" + name + "\"");
  }
  return site;
}

std::string ShellQuote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace swarmop::reconciler::replication
