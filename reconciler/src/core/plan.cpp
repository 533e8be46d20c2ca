// ComputePlan: desired (rendered) vs actual, into ordered operations. Pure. See plan.h for the order.
#include "swarmop/reconciler/core/plan.h"

#include <algorithm>
#include <map>
#include <set>

#include "swarmop/reconciler/core/labels.h"

namespace swarmop::reconciler {
namespace {

constexpr int kPhaseNetworks = 0;
constexpr int kPhaseConfigs = 1;
constexpr int kPhaseFirstServices = 2;

std::string LabelOr(const engine::Labels& labels, const char* key) {
  auto it = labels.find(key);
  return it == labels.end() ? "" : it->second;
}

Owner OwnerFromLabels(const engine::Labels& labels) {
  return Owner{LabelOr(labels, labels::kOwnerKind), LabelOr(labels, labels::kOwnerName)};
}

std::string SeparateSwarmReason(const Target& target) {
  return "site " + target.site + " is a separate swarm (" + target.engine_host +
         "): planned on its own engine";
}

// Depth of each owner in the dependsOn graph among rendered services: 0 = depends on no rendered service.
// Replications render nothing yet, so a dependency on one does not add depth.
std::map<std::string, int> DependencyLevels(const RenderedState& desired) {
  std::map<std::string, std::vector<std::string>> deps;
  for (const auto& service : desired.services) deps[service.owner.name] = service.depends_on;
  std::map<std::string, int> levels;
  // Fixed-point iteration; crds rejects cycles, the bound keeps a bad input from looping for ever.
  for (size_t round = 0; round <= deps.size(); ++round) {
    bool changed = false;
    for (const auto& [name, on] : deps) {
      int level = 0;
      for (const auto& dep : on) {
        if (deps.count(dep)) level = std::max(level, levels[dep] + 1);
      }
      if (levels[name] != level) {
        levels[name] = level;
        changed = true;
      }
    }
    if (!changed) break;
  }
  return levels;
}

struct Planner {
  const RenderedState& desired;
  const ActualState& actual;
  const PlanOptions& options;
  Plan plan;
  DiffContext context;
  int last_service_phase = kPhaseFirstServices;

  void Run() {
    for (const auto& network : actual.networks) context.network_names_by_id[network.id] = network.name;
    plan.warnings = desired.warnings;
    PlanNetworks();
    PlanConfigs();
    PlanServices();
    CheckReferences();
    if (options.prune) Prune();
    std::stable_sort(plan.operations.begin(), plan.operations.end(), [](const auto& a, const auto& b) {
      return a.phase != b.phase ? a.phase < b.phase : a.name < b.name;
    });
  }

  void LeaveAlone(ObjectKind object, const std::string& name, const Owner& owner, std::string reason) {
    plan.left_alone.push_back(Skip{object, name, owner, std::move(reason)});
  }

  void PlanNetworks() {
    for (const auto& want : desired.networks) {
      if (!want.target.local()) {
        LeaveAlone(ObjectKind::kNetwork, want.spec.name, want.owner, SeparateSwarmReason(want.target));
        continue;
      }
      const engine::Network* have = FindNetworkByName(want.spec.name);
      if (have == nullptr) {
        Operation op =
            Base(OpKind::kCreate, ObjectKind::kNetwork, want.spec.name, want.owner, kPhaseNetworks);
        op.site = LabelOr(want.spec.labels, labels::kSite);
        op.network = want.spec;
        plan.operations.push_back(std::move(op));
      } else if (!labels::IsOwned(have->labels)) {
        LeaveAlone(ObjectKind::kNetwork, want.spec.name, want.owner,
                   "exists and is not swarmop's: used as is");
      } else {
        WarnOnNetworkDrift(want.spec, *have);
      }
    }
  }

  // Networks cannot be updated, and one in use cannot be removed: drift is reported, not acted on.
  void WarnOnNetworkDrift(const engine::NetworkSpec& want, const engine::Network& have) {
    bool want_encrypted = want.options.count("encrypted") > 0;
    bool have_encrypted = have.options.count("encrypted") > 0;
    if (want_encrypted != have_encrypted || want.driver != have.driver) {
      plan.warnings.push_back("network " + want.name + " differs from its spec (encrypted " +
                              (have_encrypted ? "true" : "false") + " -> " +
                              (want_encrypted ? "true" : "false") + ", driver " + have.driver + " -> " +
                              want.driver +
                              "); networks cannot be changed in place: remove it by hand to recreate it");
    }
  }

  const engine::Network* FindNetworkByName(const std::string& name) const {
    for (const auto& network : actual.networks) {
      if (network.name == name) return &network;
    }
    return nullptr;
  }

  void PlanConfigs() {
    std::set<std::string> have;
    for (const auto& config : actual.configs) have.insert(config.spec.name);
    for (const auto& want : desired.configs) {
      if (!want.target.local()) {
        LeaveAlone(ObjectKind::kConfig, want.spec.name, want.owner, SeparateSwarmReason(want.target));
        continue;
      }
      if (have.count(want.spec.name)) continue;  // content-addressed: same name, same content
      Operation op = Base(OpKind::kCreate, ObjectKind::kConfig, want.spec.name, want.owner, kPhaseConfigs);
      op.config = want.spec;
      plan.operations.push_back(std::move(op));
    }
  }

  void PlanServices() {
    std::map<std::string, const engine::Service*> owned, unowned;
    for (const auto& service : actual.services) owned[service.spec.name] = &service;
    for (const auto& service : actual.unowned_services) unowned[service.spec.name] = &service;
    std::map<std::string, int> levels = DependencyLevels(desired);
    for (const auto& want : desired.services) {
      const std::string& name = want.spec.name;
      if (!want.target.local()) {
        LeaveAlone(ObjectKind::kService, name, want.owner, SeparateSwarmReason(want.target));
        continue;
      }
      if (unowned.count(name)) {
        LeaveAlone(ObjectKind::kService, name, want.owner, "exists and is not swarmop's: left alone");
        continue;
      }
      int phase = kPhaseFirstServices + levels[want.owner.name];
      last_service_phase = std::max(last_service_phase, phase);
      auto it = owned.find(name);
      if (it == owned.end()) {
        Operation op = Base(OpKind::kCreate, ObjectKind::kService, name, want.owner, phase);
        op.site = want.site;
        op.service = want.spec;
        plan.operations.push_back(std::move(op));
        continue;
      }
      PlanServiceChange(want, *it->second, phase);
    }
  }

  void PlanServiceChange(const DesiredService& want, const engine::Service& have, int phase) {
    std::vector<FieldChange> changes = DiffServices(want.spec, have.spec, context);
    if (changes.empty()) return;
    bool replace = NeedsReplace(want.spec, have.spec);
    Operation op = Base(replace ? OpKind::kReplace : OpKind::kUpdate, ObjectKind::kService, want.spec.name,
                        want.owner, phase);
    op.site = want.site;
    op.service = want.spec;
    op.changes = std::move(changes);
    op.actual_id = have.id;
    op.actual_version = have.version;
    if (replace) op.reason = "the service mode cannot change in place: remove + create";
    plan.operations.push_back(std::move(op));
  }

  // Problems apply would hit: a referenced secret or `from:` config that does not exist.
  void CheckReferences() {
    std::set<std::string> secrets(actual.existing_secrets.begin(), actual.existing_secrets.end());
    std::set<std::string> configs(actual.existing_configs.begin(), actual.existing_configs.end());
    for (const auto& config : desired.configs) configs.insert(config.spec.name);
    for (const auto& service : desired.services) {
      if (!service.target.local()) continue;
      const auto& container = service.spec.task_template.container_spec;
      for (const auto& ref : container.secrets) {
        if (!secrets.count(ref.secret_name)) {
          plan.warnings.push_back("service " + service.spec.name + " uses secret " + ref.secret_name +
                                  ", which does not exist: create it with docker secret create");
        }
      }
      for (const auto& ref : container.configs) {
        if (!configs.count(ref.config_name)) {
          plan.warnings.push_back("service " + service.spec.name + " uses config " + ref.config_name +
                                  ", which does not exist");
        }
      }
    }
  }

  void Prune() {
    int remove_services = last_service_phase + 1;
    std::set<std::string> wanted_services, wanted_configs, wanted_networks;
    for (const auto& s : desired.services) {
      if (s.target.local()) wanted_services.insert(s.spec.name);
    }
    for (const auto& c : desired.configs) wanted_configs.insert(c.spec.name);
    for (const auto& n : desired.networks) {
      if (n.target.local()) wanted_networks.insert(n.spec.name);
    }
    for (const auto& have : actual.services) {
      if (wanted_services.count(have.spec.name)) continue;
      AddRemoval(ObjectKind::kService, have.spec.name, have.id, have.spec.labels, remove_services);
    }
    for (const auto& have : actual.configs) {
      if (wanted_configs.count(have.spec.name)) continue;
      AddRemoval(ObjectKind::kConfig, have.spec.name, have.id, have.spec.labels, remove_services + 1);
    }
    for (const auto& have : actual.networks) {
      if (!labels::IsOwned(have.labels) || wanted_networks.count(have.name)) continue;
      AddRemoval(ObjectKind::kNetwork, have.name, have.id, have.labels, remove_services + 2);
    }
  }

  void AddRemoval(ObjectKind object, const std::string& name, const std::string& id, const engine::Labels& l,
                  int phase) {
    if (!labels::IsOwned(l)) return;  // never: the lists above hold owned objects only; be sure anyway
    auto role = l.find(labels::kRole);
    if (role != l.end() && role->second == labels::kRoleSpec) return;  // a stored spec, not a rendered object
    Operation op = Base(OpKind::kRemove, object, name, OwnerFromLabels(l), phase);
    op.site = LabelOr(l, labels::kSite);
    op.actual_id = id;
    op.reason = "no spec wants it";
    plan.operations.push_back(std::move(op));
  }

  static Operation Base(OpKind kind, ObjectKind object, const std::string& name, const Owner& owner,
                        int phase) {
    Operation op;
    op.op = kind;
    op.object = object;
    op.name = name;
    op.owner = owner;
    op.phase = phase;
    return op;
  }
};

bool MatchesOwner(const Owner& owner, const std::string& site, const Request& request) {
  if (owner.kind == request.kind && owner.name == request.name) return true;
  return request.kind == "Site" && site == request.name;
}

}  // namespace

const char* OpKindName(OpKind kind) {
  switch (kind) {
    case OpKind::kCreate:
      return "create";
    case OpKind::kUpdate:
      return "update";
    case OpKind::kReplace:
      return "replace";
    case OpKind::kRemove:
      return "remove";
  }
  return "?";
}

const char* ObjectKindName(ObjectKind kind) {
  switch (kind) {
    case ObjectKind::kNetwork:
      return "network";
    case ObjectKind::kConfig:
      return "config";
    case ObjectKind::kService:
      return "service";
  }
  return "?";
}

std::string Operation::Summary() const {
  return std::string(OpKindName(op)) + " " + ObjectKindName(object) + " " + name;
}

Plan ComputePlan(const RenderedState& desired, const ActualState& actual, const PlanOptions& options) {
  Planner planner{desired, actual, options, {}, {}};
  planner.Run();
  return std::move(planner.plan);
}

Plan FilterPlan(const Plan& plan, const Request& owner) {
  Plan out;
  out.warnings = plan.warnings;
  for (const auto& op : plan.operations) {
    if (MatchesOwner(op.owner, op.site, owner)) out.operations.push_back(op);
  }
  for (const auto& skip : plan.left_alone) {
    if (MatchesOwner(skip.owner, "", owner)) out.left_alone.push_back(skip);
  }
  return out;
}

}  // namespace swarmop::reconciler
