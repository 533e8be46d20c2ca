// swarmop diff -f PATH...: what `swarmop apply` would do, without writing: the specs it would store, then the
// Swarm changes (kubectl-diff-like). Exit 0 when nothing would change, 1 when something would, 2 on error
// (invalid manifests included: a diff of specs that cannot be applied means nothing).
#include <CLI/CLI.hpp>

#include "cli_support.h"
#include "commands.h"
#include "estate_converge.h"
#include "swarmop/reconciler/sites/apply_manifests.h"

namespace swarmop::cli {
namespace {

struct DiffArgs {
  std::vector<std::string> paths;
  std::string environment;
  std::string output = "text";
};

void RunDiff(const DiffArgs& args) {
  if (args.output != "text" && args.output != "json")
    Fail(kExitError, "-o " + args.output + ": use text or json");
  const std::vector<crds::SourceFile> files = ReadSourcesOrFail(args.paths);
  std::unique_ptr<engine::Engine> engine = ConnectFromEnvironment();

  reconciler::DiffManifestsOptions options;
  options.load = crds::LoadOptions{EnvironmentName(args.environment)};
  options.format = args.output == "json" ? reconciler::DiffFormat::kJson : reconciler::DiffFormat::kText;
  options.estate = EstateOptionsFor();
  auto verdict = reconciler::DiffManifests(*engine, files, options, StandardStreams());
  if (!verdict.ok()) Fail(kExitError, verdict.status().message());
  switch (*verdict) {
    case reconciler::DiffVerdict::kNoChanges:
      return;
    case reconciler::DiffVerdict::kChanges:
      throw CommandExit{kExitFailed};
    case reconciler::DiffVerdict::kInvalid:
    case reconciler::DiffVerdict::kIncomplete:
      break;
  }
  throw CommandExit{kExitError};
}

}  // namespace

void AddDiffCommand(CLI::App& app) {
  auto args = std::make_shared<DiffArgs>();
  CLI::App* cmd = app.add_subcommand("diff", "show what apply would store and change; exit 1 if anything");
  cmd->add_option("-f,--filename", args->paths, "manifest file, directory (recursive) or - for stdin")
      ->required();
  cmd->add_option("--env", args->environment, "environment whose overrides apply (default: $SWARMOP_ENV)");
  cmd->add_option("-o,--output", args->output, "text (default) or json");
  cmd->callback([args] { RunDiff(*args); });
}

}  // namespace swarmop::cli
