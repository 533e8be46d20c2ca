// Missing references: what the writes of a plan need from the swarm but the swarm does not have. The engine
// refuses to create or update a service that names a secret, a config or a network it does not know, so a
// plan that needs one must not start writing (otherwise: a partial apply, the first services created and
// the rest refused). swarmop never creates secrets nor `from:` configs: the user does.
// Thread-safety: pure functions over values. CheckReferences (the same from an engine) is in
// replication/plan_estate.h.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "swarmop/base/status.h"
#include "swarmop/crds/model.h"
#include "swarmop/engine/engine.h"
#include "swarmop/reconciler/core/core.h"

namespace swarmop::reconciler {

struct MissingReference {
  enum class Type { kSecret, kConfig, kNetwork };
  Type type = Type::kSecret;
  std::string name;
  // Who needs it: owner key ("Service/identity-api") -> its Swarm services that use it, in plan order.
  std::map<std::string, std::vector<std::string>> users;

  // "secret identity-secret-key does not exist, so the swarm would refuse the services that use it:
  //  Service/identity-api (identity-api-douala, identity-api-yaounde); create it first: docker secret
  //  create identity-secret-key FILE (swarmop never creates secrets)"
  std::string Message() const;
};

// Every secret, `from:` config and extra network that the creates, updates and replaces of `planned.plan`
// reference and that neither exists (planned.actual) nor is created by the plan itself; each named once,
// with all its users, sorted by type then name.
std::vector<MissingReference> FindMissingReferences(const PlanResult& planned);
// The same for the operations of `plan` only (a part of planned.plan, e.g. one key's).
std::vector<MissingReference> FindMissingReferences(const Plan& plan, const PlanResult& planned);

}  // namespace swarmop::reconciler
