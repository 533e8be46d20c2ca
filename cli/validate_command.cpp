// swarmop validate: checks manifests without an engine (schema, defaults, cross-references among the files).
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli_support.h"
#include "commands.h"

namespace swarmop::cli {
namespace {

struct ValidateArgs {
  std::vector<std::string> paths;
  std::string environment;
};

std::string SpecCount(const crds::DesiredState& state) {
  const size_t n = state.sites.size() + state.services.size() + state.replications.size();
  return std::to_string(n) + (n == 1 ? " spec valid" : " specs valid");
}

void RunValidate(const ValidateArgs& args) {
  const std::vector<crds::SourceFile> files = ReadSourcesOrFail(args.paths);
  const crds::LoadResult result = crds::LoadSpecs(files, {EnvironmentName(args.environment)});
  if (!result.ok()) {
    PrintDiagnostics(result.errors);
    throw CommandExit{kExitFailed};
  }
  std::cerr << SpecCount(result.state) << "\n";
}

}  // namespace

void AddValidateCommand(CLI::App& app) {
  auto args = std::make_shared<ValidateArgs>();
  CLI::App* cmd = app.add_subcommand("validate", "check manifests (no engine needed); exit 1 on any error");
  cmd->add_option("-f,--filename", args->paths, "manifest file, directory (recursive) or - for stdin")
      ->required();
  cmd->add_option("--env", args->environment, "environment whose overrides apply (default: $SWARMOP_ENV)");
  cmd->callback([args] { RunValidate(*args); });
}

}  // namespace swarmop::cli
