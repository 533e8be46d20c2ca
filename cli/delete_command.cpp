// swarmop delete KIND/NAME (or KIND NAME): remove a spec from the store. Its Swarm services are pruned by
// the next apply or reconcile, not here: deleting a spec is a change of desired state, like any other.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli_support.h"
#include "commands.h"
#include "store_report.h"

namespace swarmop::cli {
namespace {

struct DeleteArgs {
  std::string kind;
  std::string name;
};

void RunDelete(const DeleteArgs& args) {
  const SpecSelector selector = ParseSelector(args.kind, args.name);
  if (selector.name.empty()) Fail(kExitError, "delete needs KIND/NAME or KIND NAME");
  const std::string key = std::string(crds::KindName(*selector.kind)) + "/" + selector.name;
  std::unique_ptr<engine::Engine> engine = ConnectFromEnvironment();
  reconciler::SpecStore store(*engine, {{EnvironmentName("")}});
  auto deleted = store.Delete(*selector.kind, selector.name);
  if (!deleted.ok()) {
    if (deleted.status().code() == Code::kNotFound) Fail(kExitFailed, deleted.status().message());
    FailOnEngineError(deleted.status(), "deleting " + key);
  }
  for (const std::string& config : deleted->removed) std::cout << "removed config " << config << "\n";
  if (!deleted->unowned_leftover.empty()) {
    for (const std::string& config : deleted->unowned_leftover) {
      std::cerr << "config " << config << " also holds " << key
                << " and is not swarmop's: left in place (docker config rm " << config << ")\n";
    }
    Fail(kExitFailed, key + " is still stored in a config swarmop does not own");
  }
  std::cout << key << " deleted; the Swarm objects it rendered are pruned on the next `swarmop apply` or "
            << "reconcile (swarmop run)\n";
}

}  // namespace

void AddDeleteCommand(CLI::App& app) {
  auto args = std::make_shared<DeleteArgs>();
  CLI::App* cmd =
      app.add_subcommand("delete", "remove a stored spec (the configs swarmop owns that hold it)");
  cmd->add_option("kind", args->kind, "KIND/NAME, or KIND followed by NAME")->required();
  cmd->add_option("name", args->name, "metadata.name when KIND is given alone");
  cmd->callback([args] { RunDelete(*args); });
}

}  // namespace swarmop::cli
