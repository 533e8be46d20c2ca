// swarmop apply: validate the manifests, store them as Swarm configs, then converge the swarm to every stored
// spec (the files' specs and those stored before), optionally waiting until the services run as desired.
#include <CLI/CLI.hpp>

#include "cli_support.h"
#include "commands.h"
#include "estate_converge.h"
#include "swarmop/reconciler/sites/apply_manifests.h"

namespace swarmop::cli {
namespace {

struct ApplyArgs {
  std::vector<std::string> paths;
  std::string environment;
  bool wait = false;
  std::string timeout = "5m";
  bool dry_run = false;
};

void RunApply(const ApplyArgs& args) {
  const std::chrono::milliseconds timeout = DurationFlagOrFail("--timeout", args.timeout);
  const std::vector<crds::SourceFile> files = ReadSourcesOrFail(args.paths);
  // Registry credentials as `docker stack deploy --with-registry-auth` sends them (~/.docker/config.json).
  std::shared_ptr<const engine::RegistryAuth> registry_auth = RegistryAuthOrFail();
  std::unique_ptr<engine::Engine> engine = ConnectFromEnvironment(registry_auth);

  reconciler::ApplyManifestsOptions options;
  options.load = crds::LoadOptions{EnvironmentName(args.environment)};
  options.dry_run = args.dry_run;
  options.estate = EstateOptionsFor({args.wait, timeout, registry_auth});
  auto verdict = reconciler::ApplyManifests(*engine, files, options, StandardStreams());
  if (!verdict.ok()) Fail(kExitError, verdict.status().message());
  if (*verdict != reconciler::ApplyVerdict::kApplied) throw CommandExit{kExitFailed};
}

}  // namespace

void AddApplyCommand(CLI::App& app) {
  auto args = std::make_shared<ApplyArgs>();
  CLI::App* cmd =
      app.add_subcommand("apply", "store manifests as Swarm configs and converge the swarm to them");
  cmd->add_option("-f,--filename", args->paths, "manifest file, directory (recursive) or - for stdin")
      ->required();
  cmd->add_option("--env", args->environment, "environment whose overrides apply (default: $SWARMOP_ENV)");
  cmd->add_flag("--wait", args->wait, "wait until every service runs as desired; exit 1 if it does not");
  cmd->add_option("--timeout", args->timeout, "how long --wait waits (default 5m)");
  cmd->add_flag("--dry-run", args->dry_run, "print what would be stored and changed; write nothing");
  cmd->callback([args] { RunApply(*args); });
}

}  // namespace swarmop::cli
