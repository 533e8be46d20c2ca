// swarmop export: every stored spec as multi-document canonical YAML on stdout (back up, move, or commit to
// Git what the swarm holds).
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli_support.h"
#include "commands.h"
#include "store_report.h"

namespace swarmop::cli {

void AddExportCommand(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("export", "print every stored spec as multi-document YAML");
  cmd->callback([] {
    std::unique_ptr<engine::Engine> engine = ConnectFromEnvironment();
    reconciler::SpecStore store(*engine, {{EnvironmentName("")}});
    auto contents = store.Load();
    if (!contents.ok()) FailOnEngineError(contents.status(), "reading the stored specs");
    for (size_t i = 0; i < contents->specs.size(); ++i)
      std::cout << (i ? "---\n" : "") << *contents->specs[i].document;
    PrintStoreProblems(*contents, std::cerr);
  });
}

}  // namespace swarmop::cli
