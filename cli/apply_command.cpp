// swarmop apply: validate the manifests, store them as Swarm configs, then converge the swarm to every stored
// spec (the files' specs and those stored before), optionally waiting until the services run as desired.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli_support.h"
#include "commands.h"
#include "estate_converge.h"
#include "swarmop/reconciler/store/spec_store.h"

namespace swarmop::cli {
namespace {

struct ApplyArgs {
  std::vector<std::string> paths;
  std::string environment;
  bool wait = false;
  std::string timeout = "5m";
  bool dry_run = false;
};

void PrintStoreWrites(const reconciler::ApplySpecsPlan& plan, bool dry_run) {
  for (const reconciler::SpecWrite& write : plan.writes) {
    std::string line = write.Summary();
    if (dry_run && write.action != reconciler::SpecWrite::Action::kUnchanged)
      line = write.Key() + " would be stored (config " + write.config_name + ")";
    std::cout << line << "\n";
    for (const std::string& old : write.remove_configs)
      std::cout << "  " << (dry_run ? "would remove" : "removed") << " old config " << old << "\n";
    for (const std::string& theirs : write.unowned_leftover) {
      std::cout << "  config " << theirs << " held an earlier " << write.Key()
                << " and is not swarmop's: left in place (docker config rm " << theirs << ")\n";
    }
  }
}

void RunApply(const ApplyArgs& args) {
  const std::chrono::milliseconds timeout = DurationFlagOrFail("--timeout", args.timeout);
  const std::vector<crds::SourceFile> files = ReadSourcesOrFail(args.paths);
  const crds::LoadOptions load{EnvironmentName(args.environment)};
  // Registry credentials as `docker stack deploy --with-registry-auth` sends them (~/.docker/config.json).
  std::shared_ptr<const engine::RegistryAuth> registry_auth = RegistryAuthOrFail();
  std::unique_ptr<engine::Engine> engine = ConnectFromEnvironment(registry_auth);
  reconciler::SpecStore store(*engine, {load});

  reconciler::ApplySpecsPlan plan;
  if (args.dry_run) {
    auto planned = store.PlanApply(files, load);
    if (!planned.ok()) FailOnEngineError(planned.status(), "reading the stored specs");
    plan = std::move(planned).value();
  } else {
    // Every reference the writes need is checked before the first one (storing the specs included): a
    // missing secret must not leave half an estate behind.
    auto planned = store.PlanApply(files, load);
    if (!planned.ok()) FailOnEngineError(planned.status(), "reading the stored specs");
    if (planned->ok() && CheckReferencesBeforeWriting(*engine, planned->merged) > 0) {
      std::cerr << "nothing stored, nothing changed\n";
      throw CommandExit{kExitFailed};
    }
    auto applied = store.Apply(files, load);
    if (!applied.ok()) FailOnEngineError(applied.status(), "storing the specs");
    plan = std::move(applied->plan);
  }
  if (!plan.ok()) {
    PrintDiagnostics(plan.errors);
    std::cerr << "nothing stored, nothing changed\n";
    throw CommandExit{kExitFailed};
  }
  PrintStoreWrites(plan, args.dry_run);

  if (args.dry_run) {
    std::cout << "swarm changes (dry run):\n";
    if (!PrintEstatePlan(*engine, plan.merged)) std::cout << "none: the swarm already matches the specs\n";
    return;
  }
  const int code = ConvergeEstate(*engine, plan.merged, {args.wait, timeout, registry_auth});
  if (code != kExitOk) throw CommandExit{code};
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
