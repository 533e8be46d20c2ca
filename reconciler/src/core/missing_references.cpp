#include "swarmop/reconciler/core/missing_references.h"

#include <algorithm>
#include <set>
#include <tuple>

namespace swarmop::reconciler {
namespace {

const char* TypeName(MissingReference::Type type) {
  switch (type) {
    case MissingReference::Type::kSecret:
      return "secret";
    case MissingReference::Type::kConfig:
      return "config";
    case MissingReference::Type::kNetwork:
      return "network";
  }
  return "";
}

std::string HowToCreate(const MissingReference& missing) {
  switch (missing.type) {
    case MissingReference::Type::kSecret:
      return "docker secret create " + missing.name + " FILE (swarmop never creates secrets)";
    case MissingReference::Type::kConfig:
      return "docker config create " + missing.name + " FILE (a `from:` config is the user's)";
    case MissingReference::Type::kNetwork:
      return "docker network create -d overlay " + missing.name + " (an extra network is the user's)";
  }
  return "";
}

// Names the writes of a plan may rely on: what exists, plus what the plan creates before its services.
struct Available {
  std::set<std::string> secrets, configs, networks;
};

Available AvailableTo(const PlanResult& planned) {
  Available out;
  out.secrets.insert(planned.actual.existing_secrets.begin(), planned.actual.existing_secrets.end());
  out.configs.insert(planned.actual.existing_configs.begin(), planned.actual.existing_configs.end());
  for (const auto& config : planned.actual.configs) out.configs.insert(config.spec.name);
  for (const auto& config : planned.desired.configs) out.configs.insert(config.spec.name);
  for (const auto& network : planned.actual.networks) {
    out.networks.insert(network.name);
    out.networks.insert(network.id);
  }
  for (const auto& network : planned.desired.networks) out.networks.insert(network.spec.name);
  return out;
}

}  // namespace

std::string MissingReference::Message() const {
  std::string who;
  for (const auto& [owner, services] : users) {
    std::string list;
    for (const std::string& service : services) list += (list.empty() ? "" : ", ") + service;
    who += (who.empty() ? "" : "; ") + owner + " (" + list + ")";
  }
  return std::string(TypeName(type)) + " " + name +
         " does not exist, so the swarm would refuse the services that use it: " + who +
         "; create it first: " + HowToCreate(*this);
}

std::vector<MissingReference> FindMissingReferences(const PlanResult& planned) {
  return FindMissingReferences(planned.plan, planned);
}

std::vector<MissingReference> FindMissingReferences(const Plan& plan, const PlanResult& planned) {
  const Available available = AvailableTo(planned);
  std::map<std::pair<MissingReference::Type, std::string>, MissingReference> found;
  auto need = [&](MissingReference::Type type, const std::string& name, const Operation& op) {
    MissingReference& missing = found[{type, name}];
    missing.type = type;
    missing.name = name;
    std::vector<std::string>& services = missing.users[op.owner.kind + "/" + op.owner.name];
    if (std::find(services.begin(), services.end(), op.name) == services.end()) services.push_back(op.name);
  };
  for (const Operation& op : plan.operations) {
    if (op.object != ObjectKind::kService || op.op == OpKind::kRemove) continue;
    const engine::TaskTemplate& task = op.service.task_template;
    for (const engine::SecretReference& ref : task.container_spec.secrets) {
      if (!available.secrets.count(ref.secret_name))
        need(MissingReference::Type::kSecret, ref.secret_name, op);
    }
    for (const engine::ConfigReference& ref : task.container_spec.configs) {
      if (!available.configs.count(ref.config_name))
        need(MissingReference::Type::kConfig, ref.config_name, op);
    }
    for (const engine::NetworkAttachment& network : task.networks) {
      if (!available.networks.count(network.target)) {
        need(MissingReference::Type::kNetwork, network.target, op);
      }
    }
  }
  std::vector<MissingReference> out;
  for (auto& [key, missing] : found) out.push_back(std::move(missing));
  return out;
}

}  // namespace swarmop::reconciler
