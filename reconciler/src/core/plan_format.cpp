// Printing a plan: kubectl-diff-like text for people, JSON for `swarmop diff -o json`.
#include <nlohmann/json.hpp>

#include "swarmop/reconciler/core/plan.h"

namespace swarmop::reconciler {
namespace {

std::string Shown(const std::string& value) { return value.empty() ? "(none)" : value; }

}  // namespace

std::string ToString(const Plan& plan) {
  std::string out;
  for (const auto& op : plan.operations) {
    out += op.Summary();
    if (!op.reason.empty() && op.op != OpKind::kUpdate) out += " (" + op.reason + ")";
    out += "\n";
    for (const auto& change : op.changes) {
      out += "  " + change.path + ": " + Shown(change.old_value) + " -> " + Shown(change.new_value) + "\n";
    }
  }
  for (const auto& skip : plan.left_alone) {
    out += std::string("# left alone: ") + ObjectKindName(skip.object) + " " + skip.name + ": " +
           skip.reason + "\n";
  }
  for (const auto& warning : plan.warnings) out += "# warning: " + warning + "\n";
  return out;
}

std::string ToJson(const Plan& plan) {
  using nlohmann::json;
  json operations = json::array();
  for (const auto& op : plan.operations) {
    json changes = json::array();
    for (const auto& c : op.changes)
      changes.push_back({{"path", c.path}, {"old", c.old_value}, {"new", c.new_value}});
    operations.push_back({{"op", OpKindName(op.op)},
                          {"object", ObjectKindName(op.object)},
                          {"name", op.name},
                          {"owner", {{"kind", op.owner.kind}, {"name", op.owner.name}}},
                          {"site", op.site},
                          {"phase", op.phase},
                          {"reason", op.reason},
                          {"changes", changes}});
  }
  json left_alone = json::array();
  for (const auto& skip : plan.left_alone) {
    left_alone.push_back({{"object", ObjectKindName(skip.object)},
                          {"name", skip.name},
                          {"owner", {{"kind", skip.owner.kind}, {"name", skip.owner.name}}},
                          {"reason", skip.reason}});
  }
  json out = {{"operations", operations}, {"leftAlone", left_alone}, {"warnings", plan.warnings}};
  return out.dump(2);
}

}  // namespace swarmop::reconciler
