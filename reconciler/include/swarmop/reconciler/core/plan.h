// Plan: the ordered operations that turn the actual state into the rendered one. Pure: no I/O.
//
// Order (Operation::phase, ascending; operations of one phase are independent and may run concurrently):
//   create networks; create configs; create/update/replace services in dependsOn order (a service after the
//   services it depends on); then removals: services, then configs no longer referenced (GC of rotated
//   configs), then networks.
// Rules: objects without swarmop's managed-by label are never updated or removed, whatever their names (a
// desired name taken by such an object is reported in `left_alone`); a mode kind change or rename is planned
// as kReplace (remove + create); objects of separate-swarm sites are reported in `left_alone` too.
// Thread-safety: pure functions over values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "swarmop/engine/config.h"
#include "swarmop/engine/network.h"
#include "swarmop/engine/service.h"
#include "swarmop/reconciler/core/diff.h"
#include "swarmop/reconciler/core/estate.h"
#include "swarmop/reconciler/core/reconciler.h"
#include "swarmop/reconciler/core/render.h"

namespace swarmop::reconciler {

enum class OpKind { kCreate, kUpdate, kReplace, kRemove };
enum class ObjectKind { kNetwork, kConfig, kService };
const char* OpKindName(OpKind kind);          // "create", "update", "replace", "remove"
const char* ObjectKindName(ObjectKind kind);  // "network", "config", "service"

struct Operation {
  OpKind op = OpKind::kCreate;
  ObjectKind object = ObjectKind::kService;
  std::string name;  // Swarm object name
  Owner owner;       // from the rendered object, or from the actual object's labels for removals
  std::string site;
  int phase = 0;
  std::vector<FieldChange> changes;  // kUpdate/kReplace: what differs; empty otherwise
  std::string reason;  // kReplace/kRemove: why ("mode replicated -> global", "no spec wants it")

  // Payloads. Desired specs for create/update/replace; the actual object's ID/version for update/remove.
  engine::ServiceSpec service;
  engine::ConfigSpec config;
  engine::NetworkSpec network;
  std::string actual_id;
  uint64_t actual_version = 0;

  std::string Summary() const;  // "update service api-yaounde"
};

// Something the plan deliberately does not do, with the reason ("exists and is not swarmop's: left alone").
struct Skip {
  ObjectKind object = ObjectKind::kService;
  std::string name;
  Owner owner;
  std::string reason;
};

struct Plan {
  std::vector<Operation> operations;  // sorted by phase, then object name
  std::vector<Skip> left_alone;
  std::vector<std::string> warnings;  // render warnings and problems apply will hit (missing secret, ...)
  bool empty() const { return operations.empty(); }
};

struct PlanOptions {
  // Prune owned objects no spec wants. Turn off to only create/update.
  bool prune = true;
};

Plan ComputePlan(const RenderedState& desired, const ActualState& actual, const PlanOptions& options = {});

// Only the operations and skips of one owner key (Request kind/name). A "Site" request also keeps the
// objects placed at that site (its services of every Service). Warnings are kept.
Plan FilterPlan(const Plan& plan, const Request& owner);

// Human readable, kubectl-diff like; "" when the plan is empty and nothing was left alone:
//   create network swarmop-douala
//   update service api-yaounde
//     mode.replicas: 2 -> 3
//   remove config api-nginx-conf-0123456789ab (no spec wants it)
std::string ToString(const Plan& plan);
// {"operations":[{"op":"update","object":"service","name":...,"changes":[{"path","old","new"}]}],
//  "leftAlone":[...],"warnings":[...]} for `swarmop diff -o json`.
std::string ToJson(const Plan& plan);

}  // namespace swarmop::reconciler
