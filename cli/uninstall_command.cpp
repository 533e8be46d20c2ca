// swarmop uninstall RELEASE: delete exactly the specs labelled io.swarmop.release=RELEASE and the release
// record, then converge the rest of the estate, which prunes the Swarm objects those specs rendered (as
// `swarmop delete` + `apply` would). Other releases, hand-made specs and unowned objects are not touched.
#include <CLI/CLI.hpp>

#include "cli_support.h"
#include "commands.h"
#include "estate_converge.h"
#include "swarmop/reconciler/sites/chart_release.h"

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

  reconciler::UninstallOptions options;
  options.release = args.release;
  options.store_load = crds::LoadOptions{EnvironmentName("")};
  options.dry_run = args.dry_run;
  options.estate = EstateOptionsFor({args.wait, timeout});
  auto outcome = reconciler::UninstallRelease(*engine, options, StandardStreams());
  if (!outcome.ok()) Fail(kExitError, outcome.status().message());
  if (!outcome->refusal.empty()) Fail(kExitFailed, outcome->refusal);
  if (outcome->verdict != reconciler::ReleaseVerdict::kDone) throw CommandExit{kExitFailed};
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
