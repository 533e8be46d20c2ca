// ActualCache: one cache of the actual state of a swarm, for watch mode (controller-runtime's informer
// cache, swarmkit's store are the models). Reads of a key's reconcile come from here, not from listings:
//   - Fill lists services, configs, networks and secrets (4 calls) at start-up and at every resync, and
//     replaces the contents: a lost event is healed by the next resync (level-triggered).
//   - Learn(event) re-reads the one object an engine event names (by ID: an inspect, not a list), or
//     forgets it when it is gone. Events carry no labels on 20.10: the inspect is what tells the owner.
//   - LearnWrites re-reads what an apply wrote (the write's answer), so the key's next reconcile never plans
//     from a state older than its own writes. Nothing is ever guessed from what a write asked for.
//   - an object learned while a Fill's listing was on its way is kept over that (older) listing.
// It also folds in what KeyLister and OwnerIndex built from listings: Owners() and Index().
// Task counts (ServiceStatus) come from listings only (an inspect has none): a service learned from an
// event or a write has no status until RefreshStatus or the next Fill.
// Thread-safety: every method is safe from any thread (one mutex; the engine calls run outside it).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "swarmop/base/status.h"
#include "swarmop/engine/engine.h"
#include "swarmop/reconciler/cache/owner_index.h"
#include "swarmop/reconciler/core/apply.h"
#include "swarmop/reconciler/core/estate.h"
#include "swarmop/reconciler/core/plan.h"
#include "swarmop/reconciler/core/reconciler.h"
#include "swarmop/reconciler/core/render.h"

namespace swarmop::reconciler {

// What an event taught the cache: the owner of the object it names (as labelled before or after the event;
// nullopt when it is not swarmop's or is unknown), and whether it is a rendered config (owned, not a spec).
struct LearnedEvent {
  std::optional<Request> owner;
  bool rendered_config = false;
};

// Which objects a gather hands a key's plan.
struct GatherScope {
  // Set: owned services and configs labelled with this owner, plus any owned object a desired name asks
  // for. Unset: every owned service and config (a Site key: its status counts the services placed there).
  std::optional<Request> owner;
};

class ActualCache {
 public:
  ActualCache();
  ~ActualCache();
  ActualCache(const ActualCache&) = delete;
  ActualCache& operator=(const ActualCache&) = delete;

  // Lists everything (services with their task counts) and replaces the contents. On error the contents are
  // left as they were and Filled() does not change.
  Status Fill(engine::Engine& engine);
  // Fill, handing the whole config listing (spec configs' data included, which the cache does not keep) to
  // `configs_listed` before the contents are replaced: the spec cache loads from the same listing, so a
  // resync lists configs once. An error it returns fails the Fill and leaves the contents as they were.
  using ConfigsListed = std::function<Status(const std::vector<engine::Config>&)>;
  Status Fill(engine::Engine& engine, const ConfigsListed& configs_listed);
  bool Filled() const;

  // Re-reads (or forgets) the service/config/network/secret `event` names. Other events teach nothing.
  LearnedEvent Learn(engine::Engine& engine, const engine::Event& event);

  // Re-reads the objects `plan`'s operations wrote (report.results[i].wrote), forgets what they removed.
  void LearnWrites(engine::Engine& engine, const Plan& plan, const ApplyReport& report);

  // Re-lists the services named (their task counts): for a key waiting for its tasks.
  Status RefreshStatus(engine::Engine& engine, const std::vector<std::string>& service_names);

  // The actual state a plan for `desired` needs, within `scope` (estate.h for the fields).
  ActualState Gather(const RenderedState& desired, const GatherScope& scope) const;

  // A count of the changes a plan could read: an object added or removed, at another version, with other
  // task counts. Stored specs' configs do not count (the spec cache reads them). While it stands still,
  // every Gather answers what it answered before: a key planned since then would plan the same.
  uint64_t Generation() const;

  // Every owner named by the labels of owned services, networks and configs.
  std::set<Request> Owners() const;
  // Object name -> owner, for services, networks and configs (as KeyLister built it).
  OwnerIndex Index() const;

  struct Sizes {
    size_t services = 0, configs = 0, networks = 0, secrets = 0;
  };
  Sizes Size() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace swarmop::reconciler
