#include "swarm_objects.h"

#include <thread>

#include "swarmop/reconciler/core/labels.h"

namespace swarmop::testsupport {

using std::chrono::milliseconds;

Status LabelFirstNode(engine::Engine& engine, const std::string& key, const std::string& value) {
  auto nodes = engine.ListNodes({});
  if (!nodes.ok()) return nodes.status();
  if (nodes->empty()) return NotFoundError("the test bed lists no node");
  engine::Node node = nodes->front();
  if (node.spec.labels[key] == value) return Status::Ok();
  node.spec.labels[key] = value;
  return engine.UpdateNode(node.id, node.version, node.spec);
}

Status RemoveNetworkEventually(engine::Engine& engine, const std::string& name, milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    if (engine.InspectNetwork(name).status().code() == Code::kNotFound) return Status::Ok();
    Status status = engine.RemoveNetwork(name);
    if (std::chrono::steady_clock::now() > deadline)
      return TimeoutError("cannot remove network " + name + ": " + status.ToString());
    std::this_thread::sleep_for(milliseconds(500));
  }
}

Status WaitOutStaleNetworks(engine::Engine& engine, milliseconds limit) {
  auto owned =
      engine::ListFilter::Labels({{reconciler::labels::kManagedBy, reconciler::labels::kManagerName}});
  auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    auto services = engine.ListServices({});
    if (!services.ok()) return services.status();
    if (!services->empty()) return Status::Ok();
    auto networks = engine.ListNetworks(owned);
    if (!networks.ok()) return networks.status();
    if (networks->empty()) return Status::Ok();
    if (std::chrono::steady_clock::now() > deadline)
      return TimeoutError("swarmop networks still listed: " + networks->front().name + " and " +
                          std::to_string(networks->size() - 1) + " more");
    for (const auto& network : *networks) (void)engine.RemoveNetwork(network.id);
    std::this_thread::sleep_for(milliseconds(500));
  }
}

Status ScaleByHand(engine::Engine& engine, const std::string& service, uint64_t replicas, int attempts) {
  Status last = InvalidArgumentError("no attempt to scale " + service);
  for (int attempt = 0; attempt < attempts; ++attempt) {
    auto inspected = engine.InspectService(service);
    if (!inspected.ok()) {
      last = inspected.status();
      continue;
    }
    engine::ServiceSpec spec = inspected->spec;
    spec.mode.replicas = replicas;
    last = engine.UpdateService(inspected->id, inspected->version, spec);
    if (last.ok()) return last;
  }
  return last;
}

void RemoveEverythingOwned(engine::Engine& engine, const std::string& spec_prefix) {
  auto owned =
      engine::ListFilter::Labels({{reconciler::labels::kManagedBy, reconciler::labels::kManagerName}});
  for (const auto& service : ListOrEmpty(engine.ListServices(owned))) (void)engine.RemoveService(service.id);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  // Until the listing is empty: a removed overlay network stays listed on the node for a moment, and an
  // apply that starts then sees it, skips creating it and fails with "network ... not found".
  for (;;) {
    auto networks = ListOrEmpty(engine.ListNetworks(owned));
    if (networks.empty() || std::chrono::steady_clock::now() > deadline) break;
    for (const auto& network : networks) (void)engine.RemoveNetwork(network.id);
    std::this_thread::sleep_for(milliseconds(200));
  }
  for (const auto& config : ListOrEmpty(engine.ListConfigs({}))) {
    bool spec = !spec_prefix.empty() && config.spec.name.rfind(spec_prefix, 0) == 0;
    auto label = config.spec.labels.find(reconciler::labels::kManagedBy);
    bool managed = label != config.spec.labels.end() && label->second == reconciler::labels::kManagerName;
    if (spec || managed) (void)engine.RemoveConfig(config.id);
  }
}

}  // namespace swarmop::testsupport
