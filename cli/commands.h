// The swarmop subcommands. Each Add*Command registers one command (or group) on the root app; main.cpp
// calls them all. A command reports failure by throwing CommandExit (cli_support.h) with its exit code:
// 0 ok, 1 validation error / diff has changes / not converged, 2 usage or engine error.
#pragma once

namespace CLI {
class App;
}

namespace swarmop::cli {

void AddVersionCommand(CLI::App& app);   // version_command.cpp
void AddEngineCommand(CLI::App& app);    // engine_command.cpp: engine info
void AddValidateCommand(CLI::App& app);  // validate_command.cpp
void AddApplyCommand(CLI::App& app);     // apply_command.cpp
void AddDiffCommand(CLI::App& app);      // diff_command.cpp
void AddGetCommand(CLI::App& app);       // get_command.cpp
void AddDeleteCommand(CLI::App& app);    // delete_command.cpp
void AddExportCommand(CLI::App& app);    // export_command.cpp
// Charts (charts/): template_command.cpp, lint_command.cpp, install_command.cpp (install and upgrade),
// uninstall_command.cpp, list_command.cpp.
void AddTemplateCommand(CLI::App& app);
void AddLintCommand(CLI::App& app);
void AddInstallCommand(CLI::App& app);  // install and upgrade
void AddUninstallCommand(CLI::App& app);
void AddListCommand(CLI::App& app);
// Watch mode: the controller, optionally leader-elected.
void AddRunCommand(CLI::App& app);  // run_command.cpp

}  // namespace swarmop::cli
