// swarmop version: the CMake project version, and `git describe` of the build's source tree when it had one.
#include <CLI/CLI.hpp>
#include <iostream>

#include "commands.h"

#ifndef SWARMOP_VERSION
#define SWARMOP_VERSION "unknown"
#endif
#ifndef SWARMOP_GIT_DESCRIBE
#define SWARMOP_GIT_DESCRIBE ""
#endif

namespace swarmop::cli {

void AddVersionCommand(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("version", "print swarmop's version");
  cmd->callback([] {
    std::string line = std::string("swarmop ") + SWARMOP_VERSION;
    if (std::string(SWARMOP_GIT_DESCRIBE).size() > 0)
      line += std::string(" (git ") + SWARMOP_GIT_DESCRIBE + ")";
    std::cout << line << "\n";
  });
}

}  // namespace swarmop::cli
