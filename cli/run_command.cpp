// swarmop run: watch mode (the controller loop). Stub until the controller lands; its engineer owns this file.
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli_support.h"
#include "commands.h"

namespace swarmop::cli {

void AddRunCommand(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("run", "watch mode: reconcile the stored specs continuously");
  cmd->callback([] {
    std::cerr << "swarmop run: not implemented yet\n";
    throw CommandExit{kExitError};
  });
}

}  // namespace swarmop::cli
