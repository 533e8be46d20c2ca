// ActualCache: tables of services, configs, networks and secrets by ID, with name and owner indexes. See
// actual_cache.h for where the contents come from; actual_cache_gather.cpp for what a key's plan reads.
#include "swarmop/reconciler/cache/actual_cache.h"

#include <glog/logging.h>

#include "actual_cache_tables.h"

namespace swarmop::reconciler {
namespace {

using internal::CacheState;

bool IsRemoval(const std::string& action) { return action == "remove" || action == "destroy"; }
bool IsChange(const std::string& action) { return action == "create" || action == "update"; }

// Inspect by ID; a vanished object is forgotten, another error leaves the table as it is (a resync heals).
template <typename T, typename Inspect>
void Reread(internal::Table<T>& table, std::mutex& mu, uint64_t& seq, const std::string& id,
            Inspect inspect) {
  StatusOr<T> read = inspect(id);
  std::lock_guard<std::mutex> lock(mu);
  if (read.ok()) {
    table.Put(std::move(*read), ++seq);
  } else if (read.status().code() == Code::kNotFound) {
    table.Erase(id, ++seq);
  } else {
    LOG_EVERY_N(WARNING, 10) << "actual cache: re-reading " << id << ": " << read.status().ToString()
                             << " (the next resync lists it)";
  }
}

}  // namespace

struct ActualCache::State : CacheState {};

ActualCache::ActualCache() : state_(std::make_unique<State>()) {}
ActualCache::~ActualCache() = default;

Status ActualCache::Fill(engine::Engine& engine) { return Fill(engine, {}); }

Status ActualCache::Fill(engine::Engine& engine, const ConfigsListed& configs_listed) {
  uint64_t start;
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    start = state_->seq;
  }
  auto services = engine.ListServices({});
  if (!services.ok()) return services.status().WithContext("listing services");
  auto configs = engine.ListConfigs({});
  if (!configs.ok()) return configs.status().WithContext("listing configs");
  auto networks = engine.ListNetworks({});
  if (!networks.ok()) return networks.status().WithContext("listing networks");
  auto secrets = engine.ListSecrets({});
  if (!secrets.ok()) return secrets.status().WithContext("listing secrets");
  if (configs_listed) SWARMOP_RETURN_IF_ERROR(configs_listed(*configs));
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->services.Replace(std::move(*services), start, ++state_->seq);
  state_->configs.Replace(std::move(*configs), start, state_->seq);
  state_->networks.Replace(std::move(*networks), start, state_->seq);
  state_->secrets.Replace(std::move(*secrets), start, state_->seq);
  state_->filled = true;
  return Status::Ok();
}

bool ActualCache::Filled() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->filled;
}

LearnedEvent ActualCache::Learn(engine::Engine& engine, const engine::Event& event) {
  const std::string& id = event.actor.id;
  if (id.empty() || (!IsRemoval(event.action) && !IsChange(event.action))) return {};
  State& s = *state_;
  auto owners = [&](auto& table) {
    std::lock_guard<std::mutex> lock(s.mu);
    return table.OwnerOf(id);
  };
  auto learn = [&](auto& table, auto inspect) {
    LearnedEvent before = owners(table);
    if (event.type == "config" && event.action == "update") {
      std::lock_guard<std::mutex> lock(s.mu);
      // A status write on a stored spec changes labels the spec cache reads, never what a plan reads.
      if (table.IsSpec(id)) return before;
    }
    if (IsRemoval(event.action)) {
      std::lock_guard<std::mutex> lock(s.mu);
      table.Erase(id, ++s.seq);
      return before;
    }
    Reread(table, s.mu, s.seq, id, inspect);
    LearnedEvent after = owners(table);
    return after.owner ? after : before;
  };
  if (event.type == "service") {
    return learn(s.services, [&](const std::string& i) { return engine.InspectService(i); });
  }
  if (event.type == "config") {
    return learn(s.configs, [&](const std::string& i) { return engine.InspectConfig(i); });
  }
  if (event.type == "network") {
    return learn(s.networks, [&](const std::string& i) { return engine.InspectNetwork(i); });
  }
  if (event.type == "secret") {
    return learn(s.secrets, [&](const std::string& i) { return engine.InspectSecret(i); });
  }
  return {};
}

void ActualCache::LearnWrites(engine::Engine& engine, const Plan& plan, const ApplyReport& report) {
  State& s = *state_;
  for (size_t i = 0; i < plan.operations.size() && i < report.results.size(); ++i) {
    if (!report.results[i].wrote) continue;
    const Operation& op = plan.operations[i];
    if (op.op == OpKind::kRemove) {
      std::lock_guard<std::mutex> lock(s.mu);
      uint64_t seq = ++s.seq;
      switch (op.object) {
        case ObjectKind::kService:
          s.services.EraseName(op.name, seq);
          break;
        case ObjectKind::kConfig:
          s.configs.EraseName(op.name, seq);
          break;
        case ObjectKind::kNetwork:
          s.networks.EraseName(op.name, seq);
          break;
      }
      continue;
    }
    switch (op.object) {
      case ObjectKind::kService:
        Reread(s.services, s.mu, s.seq, op.name,
               [&](const std::string& n) { return engine.InspectService(n); });
        break;
      case ObjectKind::kConfig:
        Reread(s.configs, s.mu, s.seq, op.name,
               [&](const std::string& n) { return engine.InspectConfig(n); });
        break;
      case ObjectKind::kNetwork:
        Reread(s.networks, s.mu, s.seq, op.name,
               [&](const std::string& n) { return engine.InspectNetwork(n); });
        break;
    }
  }
}

Status ActualCache::RefreshStatus(engine::Engine& engine, const std::vector<std::string>& service_names) {
  for (const std::string& name : service_names) {
    auto listed = engine.ListServices(engine::ListFilter::Name(name));
    if (!listed.ok()) return listed.status().WithContext("listing service " + name);
    std::lock_guard<std::mutex> lock(state_->mu);
    bool found = false;
    for (engine::Service& service : *listed) {
      if (service.spec.name != name) continue;  // the engine's name filter matches prefixes
      found = true;
      state_->services.Put(std::move(service), ++state_->seq);
    }
    if (!found) state_->services.EraseName(name, ++state_->seq);
  }
  return Status::Ok();
}

uint64_t ActualCache::Generation() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->Changes();
}

std::set<Request> ActualCache::Owners() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  std::set<Request> out;
  for (const auto* owners :
       {&state_->services.by_owner, &state_->networks.by_owner, &state_->configs.by_owner}) {
    for (const auto& [owner, ids] : *owners) {
      if (!ids.empty()) out.insert(owner);
    }
  }
  return out;
}

OwnerIndex ActualCache::Index() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  OwnerIndex index;
  state_->services.IndexInto(index.services);
  state_->networks.IndexInto(index.networks);
  state_->configs.IndexInto(index.configs);
  return index;
}

ActualCache::Sizes ActualCache::Size() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return Sizes{state_->services.by_id.size(), state_->configs.by_id.size(), state_->networks.by_id.size(),
               state_->secrets.by_id.size()};
}

ActualState ActualCache::Gather(const RenderedState& desired, const GatherScope& scope) const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return internal::GatherFromTables(*state_, desired, scope);
}

}  // namespace swarmop::reconciler
