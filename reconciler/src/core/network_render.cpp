// Networks: one overlay per site, plus the shared estate overlay of the local swarm (see render.h).
#include "render_internal.h"

namespace swarmop::reconciler::internal {
namespace {

engine::NetworkSpec Overlay(const std::string& name, bool encrypted, engine::Labels labels) {
  engine::NetworkSpec spec;
  spec.name = name;
  spec.driver = "overlay";
  if (encrypted) spec.options["encrypted"] = "";  // presence of the key turns IPsec on
  spec.labels = std::move(labels);
  return spec;
}

}  // namespace

void RenderNetworks(const crds::DesiredState& desired, RenderedState& out) {
  bool any_local = false;
  bool estate_encrypted = false;
  for (const auto& site : desired.sites) {
    Owner owner{"Site", site.name()};
    DesiredNetwork network;
    network.owner = owner;
    network.target = TargetOf(site);
    network.spec = Overlay(SiteNetworkName(site.name()), site.spec.network.encrypted,
                           OwnedLabels(owner, site.name(), site.hash));
    out.networks.push_back(std::move(network));
    if (!site.spec.engine) {
      any_local = true;
      estate_encrypted = estate_encrypted || site.spec.network.encrypted;
    }
  }
  if (!any_local) return;
  Owner estate{kEstateOwnerKind, kEstateOwnerName};
  DesiredNetwork network;
  network.owner = estate;
  network.spec = Overlay(kEstateNetworkName, estate_encrypted, OwnedLabels(estate, "", ""));
  out.networks.push_back(std::move(network));
}

}  // namespace swarmop::reconciler::internal
