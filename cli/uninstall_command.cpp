// swarmop uninstall RELEASE: delete exactly the specs labelled io.swarmop.release=RELEASE and the release
// record, then converge the rest of the estate, which prunes the Swarm objects those specs rendered (as
// `swarmop delete` + `apply` would). Other releases, hand-made specs and unowned objects are not touched.
#include <CLI/CLI.hpp>
#include <iostream>

#include "chart_support.h"
#include "cli_support.h"
#include "commands.h"
#include "estate_converge.h"
#include "swarmop/charts/release.h"

namespace swarmop::cli {
namespace {

struct UninstallArgs {
  std::string release;
  bool dry_run = false;
  bool wait = false;
  std::string timeout = "5m";
};

void RunUninstall(const UninstallArgs& args) {
  const std::chrono::milliseconds timeout = DurationFlagOrFail("--timeout", args.timeout);
  std::unique_ptr<engine::Engine> engine = ConnectFromEnvironment();
  auto record = charts::FindRelease(*engine, args.release);
  if (!record.ok()) FailOnEngineError(record.status(), "reading release " + args.release);
  reconciler::SpecStore store(*engine, {{EnvironmentName("")}});
  auto stored = store.Load();
  if (!stored.ok()) FailOnEngineError(stored.status(), "reading the stored specs");
  std::vector<std::string> keys;
  for (const reconciler::StoredSpec* spec : ReleaseSpecs(*stored, args.release)) keys.push_back(spec->Key());
  if (!record->has_value() && keys.empty()) Fail(kExitFailed, "no release " + args.release);
  const crds::DesiredState remaining = WithoutSpecs(stored->state, keys);

  if (args.dry_run) {
    for (const std::string& key : keys) std::cout << key << " would be deleted\n";
    std::cout << "release " << args.release << " would be removed\nswarm changes (dry run):\n";
    if (!PrintEstatePlan(*engine, remaining)) std::cout << "none: the swarm already matches the specs\n";
    return;
  }
  for (const std::string& key : keys) {
    const auto slash = key.find('/');
    auto deleted = store.Delete(*reconciler::ParseKindName(key.substr(0, slash)), key.substr(slash + 1));
    if (!deleted.ok() && deleted.status().code() != Code::kNotFound)
      FailOnEngineError(deleted.status(), "deleting " + key);
    std::cout << key << " deleted\n";
  }
  Status removed = charts::RemoveRelease(*engine, args.release);
  if (!removed.ok()) FailOnEngineError(removed, "removing release " + args.release);
  std::cout << "release " << args.release << " uninstalled\n";
  const int code = ConvergeEstate(*engine, remaining, {args.wait, timeout});
  if (code != kExitOk) throw CommandExit{code};
}

}  // namespace

void AddUninstallCommand(CLI::App& app) {
  auto args = std::make_shared<UninstallArgs>();
  CLI::App* cmd =
      app.add_subcommand("uninstall", "delete a release's specs and record; prune what they rendered");
  cmd->add_option("release", args->release, "release name")->required();
  cmd->add_flag("--wait", args->wait, "wait until the remaining services run as desired");
  cmd->add_option("--timeout", args->timeout, "how long --wait waits (default 5m)");
  cmd->add_flag("--dry-run", args->dry_run, "print what would be deleted and changed; write nothing");
  cmd->callback([args] { RunUninstall(*args); });
}

}  // namespace swarmop::cli
