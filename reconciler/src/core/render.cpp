// Render: DesiredState -> the Swarm objects it implies. See render.h for the naming and network scheme.
#include "swarmop/reconciler/core/render.h"

#include "render_internal.h"
#include "swarmop/crds/naming.h"
#include "swarmop/reconciler/core/labels.h"

namespace swarmop::reconciler {

engine::Labels OwnedLabels(const Owner& owner, const std::string& site, const std::string& spec_hash,
                           const engine::Labels& user_labels) {
  engine::Labels out = user_labels;
  out[labels::kManagedBy] = labels::kManagerName;
  out[labels::kOwnerKind] = owner.kind;
  out[labels::kOwnerName] = owner.name;
  if (!site.empty()) out[labels::kSite] = site;
  if (!spec_hash.empty()) out[labels::kSpecHash] = spec_hash;
  return out;
}

namespace internal {

Target TargetOf(const crds::Site& site) {
  if (!site.spec.engine) return {};
  return Target{site.name(), site.spec.engine->host};
}

}  // namespace internal

namespace {

int LocalSiteCount(const crds::DesiredState& desired, const crds::Service& service) {
  int count = 0;
  for (const auto& [site_name, placement] : service.spec.sites) {
    const crds::Site* site = desired.FindSite(site_name);
    if (site != nullptr && !site->spec.engine) ++count;
  }
  return count;
}

bool HasIngressPort(const crds::Service& service) {
  for (const auto& port : service.spec.ports) {
    if (port.mode == crds::PublishMode::kIngress) return true;
  }
  return false;
}

Status RenderService(const crds::DesiredState& desired, const crds::Service& service,
                     const RenderOptions& options, RenderedState& out) {
  const size_t rendered_before = out.services.size();
  // Several per-site services of one swarm cannot each publish the same ingress port.
  bool host_mode = LocalSiteCount(desired, service) > 1 && HasIngressPort(service);
  if (host_mode) {
    out.warnings.push_back("Service " + service.name() +
                           ": runs at several sites of one swarm, so its ingress ports are published in host "
                           "mode (on the nodes running each site's tasks)");
  }
  for (const auto& [site_name, placement] : service.spec.sites) {
    const crds::Site* site = desired.FindSite(site_name);
    if (site == nullptr) {
      return InvalidArgumentError("Service " + service.name() + ": no Site named \"" + site_name + "\"");
    }
    SWARMOP_RETURN_IF_ERROR(
        internal::RenderServiceAtSite(service, *site, host_mode && !site->spec.engine, out));
  }
  auto profile = options.profiles.find(service.spec.profile);
  if (profile != options.profiles.end() && profile->second) {
    SWARMOP_RETURN_IF_ERROR(
        profile->second(ProfileContext{desired, service}, out)
            .WithContext(std::string("profile ") + crds::ProfileName(service.spec.profile)));
  }
  if (options.service_adjusters.empty()) return Status::Ok();
  // Only what this call rendered: Render renders every Service into one state, and a scan from the start
  // per Service would cost O(services^2).
  const Owner owner{"Service", service.name()};
  for (size_t i = rendered_before; i < out.services.size(); ++i) {
    DesiredService& rendered = out.services[i];
    if (rendered.owner != owner) continue;
    for (const ServiceAdjuster& adjust : options.service_adjusters) {
      SWARMOP_RETURN_IF_ERROR(adjust(ProfileContext{desired, service}, rendered));
    }
  }
  return Status::Ok();
}

}  // namespace

std::string SiteNetworkName(const std::string& site) { return "swarmop-" + site; }

const DesiredService* RenderedState::FindService(const std::string& swarm_name) const {
  for (const auto& service : services) {
    if (service.spec.name == swarm_name) return &service;
  }
  return nullptr;
}

StatusOr<RenderedState> Render(const crds::DesiredState& desired, const RenderOptions& options) {
  RenderedState out;
  internal::RenderNetworks(desired, out);
  for (const auto& service : desired.services) {
    SWARMOP_RETURN_IF_ERROR(RenderService(desired, service, options, out));
  }
  // Replications render nothing until their renderer lands (a later issue renders database members).
  if (options.replication) {
    for (const auto& replication : desired.replications) {
      SWARMOP_RETURN_IF_ERROR(
          options.replication(desired, replication, out).WithContext("Replication " + replication.name()));
    }
  }
  return out;
}

StatusOr<RenderedState> RenderOwner(const crds::DesiredState& desired, const Owner& owner,
                                    const RenderOptions& options) {
  RenderedState out;
  internal::RenderNetworks(desired, out);
  if (owner.kind == "Service") {
    const crds::Service* service = desired.FindService(owner.name);
    if (service != nullptr) return RenderServiceOwner(desired, *service, options);
  } else if (owner.kind == "Replication" && options.replication) {
    for (const auto& replication : desired.replications) {
      if (replication.name() != owner.name) continue;
      SWARMOP_RETURN_IF_ERROR(
          options.replication(desired, replication, out).WithContext("Replication " + replication.name()));
    }
  }
  return out;
}

StatusOr<RenderedState> RenderServiceOwner(const crds::DesiredState& desired, const crds::Service& service,
                                           const RenderOptions& options) {
  RenderedState out;
  internal::RenderNetworks(desired, out);
  SWARMOP_RETURN_IF_ERROR(RenderService(desired, service, options, out));
  return out;
}

}  // namespace swarmop::reconciler
