// Nodes and networks on the test bed: label a node for a Site's nodeSelector, remove a network and wait
// until the engine stops listing it, clean away everything swarmop owns. Test-only.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "swarmop/base/status.h"
#include "swarmop/engine/engine.h"

namespace swarmop::testsupport {

// A listing, or nothing when the engine refused it (clean-up code that must go on regardless).
template <typename T>
std::vector<T> ListOrEmpty(StatusOr<std::vector<T>> listed) {
  return listed.ok() ? std::move(listed).value() : std::vector<T>{};
}

// Labels the first node `key=value` (a Site's nodeSelector); Ok when it already was.
Status LabelFirstNode(engine::Engine& engine, const std::string& key, const std::string& value);

// Removes network `name` and waits until inspecting it says not found: the engine keeps listing a removed
// swarm network (its local copy) until the node's last task on it is gone, and the next test must not see
// it. Retries every 500 ms; the error names the network and the last removal's answer.
Status RemoveNetworkEventually(engine::Engine& engine, const std::string& name,
                               std::chrono::milliseconds limit = std::chrono::seconds(60));

// Waits out the swarmop networks an earlier test removed (or left): Swarm deletes a removed overlay network
// seconds later, and a plan made meanwhile meets "network ... not found" (stale_networks.sh is the shell
// version). With no service left on the bed, removes swarmop's networks until none is listed (`limit` at
// most); with services left (another test's), leaves them alone.
Status WaitOutStaleNetworks(engine::Engine& engine,
                            std::chrono::milliseconds limit = std::chrono::seconds(60));

// Sets `service`'s replicas by hand, as `docker service scale` would (a drift for the operator to revert):
// inspect, then update with that version, `attempts` times at most (a concurrent writer makes the version
// stale). The error is the last attempt's.
Status ScaleByHand(engine::Engine& engine, const std::string& service, uint64_t replicas, int attempts = 5);

// Removes every service, network and config labelled io.swarmop.managed-by=swarmop, then the configs
// whose names start with `spec_prefix` (hand-made specs), waiting for networks to free up (30 s at most).
void RemoveEverythingOwned(engine::Engine& engine, const std::string& spec_prefix = "");

}  // namespace swarmop::testsupport
