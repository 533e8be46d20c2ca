#include "swarmop/reconciler/controller/drift.h"

#include "swarmop/reconciler/core/labels.h"

namespace swarmop::reconciler {
namespace {

const engine::Service* FindService(const ActualState& actual, const std::string& name) {
  for (const engine::Service& s : actual.services) {
    if (s.spec.name == name) return &s;
  }
  return nullptr;
}

std::string SpecHash(const engine::Labels& labels) {
  auto it = labels.find(labels::kSpecHash);
  return it == labels.end() ? "" : it->second;
}

// "mode.replicas" reads better as "replicas"; other paths are already plain ("env.DEBUG", "image").
std::string FieldName(const std::string& path) { return path == "mode.replicas" ? "replicas" : path; }

std::string Value(const std::string& value) { return value.empty() ? "(none)" : value; }

}  // namespace

std::string DriftCorrection::Describe() const {
  std::string text = "reverted manual change on service " + service + ":";
  for (size_t i = 0; i < changes.size(); ++i) {
    text += (i == 0 ? " " : ", ") + FieldName(changes[i].path) + " " + Value(changes[i].old_value) + " -> " +
            Value(changes[i].new_value);
  }
  return text;
}

std::vector<DriftCorrection> FindDriftCorrections(const Plan& plan, const ActualState& actual) {
  std::vector<DriftCorrection> corrections;
  for (const Operation& op : plan.operations) {
    if (op.object != ObjectKind::kService || op.op != OpKind::kUpdate) continue;
    const engine::Service* current = FindService(actual, op.name);
    if (current == nullptr) continue;
    std::string written_from = SpecHash(current->spec.labels);
    if (!written_from.empty() && written_from == SpecHash(op.service.labels)) {
      corrections.push_back({op.name, op.changes});
    }
  }
  return corrections;
}

}  // namespace swarmop::reconciler
