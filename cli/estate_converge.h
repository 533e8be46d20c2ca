// Converging the swarm to a set of specs, the way `swarmop apply` and `swarmop diff` need it: plan with the
// reconciler core, print the plan or apply it, and optionally wait for the services to run as desired.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "swarmop/crds/model.h"
#include "swarmop/engine/engine.h"
#include "swarmop/engine/registry_auth.h"
#include "swarmop/reconciler/core/core.h"

namespace swarmop::cli {

struct ConvergeArgs {
  bool wait = false;
  std::chrono::milliseconds timeout{std::chrono::minutes(5)};
  // The credentials sent for private images: a failed pull says whether its registry had any.
  std::shared_ptr<const engine::RegistryAuth> registry_auth = nullptr;
};

// Plans `desired` against the swarm and applies the plan, printing one line per operation; with `wait`,
// then prints progress until every service runs as desired. Then the same for every separate-swarm Site
// (ConvergeSites). Returns kExitOk, or kExitFailed when an operation failed, the services did not
// converge or a site could not be reached; exits 2 on engine errors of the local swarm.
int ConvergeEstate(engine::Engine& engine, const crds::DesiredState& desired, const ConvergeArgs& args);

// The separate-swarm Sites of `desired` (Site.spec.engine), each planned and applied on its own engine,
// one "site <name> (<endpoint>):" section each. A site that cannot be reached is reported (site,
// endpoint, error) and makes the result kExitFailed; the other sites go on. TLS material: the Site's
// Swarm secrets under /run/secrets, or $SWARMOP_TLS_DIR/<site>/{ca,cert,key}.pem when that is set.
int ConvergeSites(const crds::DesiredState& desired, const ConvergeArgs& args);

// Before the first write of `apply` (even before its specs are stored): plans `desired` on the local swarm
// and on every reachable separate-swarm Site and prints one error per secret, `from:` config or extra
// network that the writes would need and the swarm lacks (reconciler::FindMissingReferences), naming its
// users. Returns how many are missing; exits 2 on engine errors of the local swarm.
int CheckReferencesBeforeWriting(engine::Engine& engine, const crds::DesiredState& desired);

// Prints what ConvergeEstate would do. Returns true when a plan has operations or a site is unreachable.
bool PrintEstatePlan(engine::Engine& engine, const crds::DesiredState& desired);

// Prints each separate-swarm Site's plan ("site <name> (<endpoint>):"). Returns kExitOk when nothing
// would change, kExitFailed when something would, kExitError when a site cannot be reached.
int PrintSitePlans(const crds::DesiredState& desired);

// One separate-swarm Site's plan for `diff -o json`: `plan_json` is reconciler::ToJson of its plan, empty
// with `error` set when the site cannot be reached.
struct SitePlanJson {
  std::string site;
  std::string address;
  std::string plan_json;
  std::string error;
  bool changes = false;
};
std::vector<SitePlanJson> SitePlansAsJson(const crds::DesiredState& desired);

// PlanEstate, minus any removal of the spec store's own configs; exits 2 on engine errors.
reconciler::PlanResult PlanEstateOrFail(engine::Engine& engine, const crds::DesiredState& desired);

}  // namespace swarmop::cli
