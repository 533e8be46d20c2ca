// swarmop: the command line. Each subcommand lives in its own file (commands.h); this file only wires them.
#include <glog/logging.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "cli_support.h"
#include "commands.h"

int main(int argc, char** argv) {
  google::InitGoogleLogging(argv[0]);
  // Logs are for --verbose runs; the commands' own output must stay clean for pipes (`swarmop export`).
  FLAGS_logtostderr = true;
  FLAGS_minloglevel = google::GLOG_WARNING;

  CLI::App app{"swarmop: a Kubernetes-style operator for Docker Swarm"};
  app.require_subcommand(1);
  app.fallthrough();
  bool verbose = false;
  app.add_flag("-v,--verbose", verbose, "log what swarmop does (glog, to stderr)");
  app.parse_complete_callback([&verbose] {
    if (verbose) FLAGS_minloglevel = google::GLOG_INFO;
  });

  using namespace swarmop::cli;
  AddVersionCommand(app);
  AddEngineCommand(app);
  AddValidateCommand(app);
  AddApplyCommand(app);
  AddDiffCommand(app);
  AddGetCommand(app);
  AddDeleteCommand(app);
  AddExportCommand(app);
  AddTemplateCommand(app);
  AddLintCommand(app);
  AddInstallCommand(app);
  AddUninstallCommand(app);
  AddListCommand(app);
  AddRunCommand(app);

  try {
    app.parse(argc, argv);
  } catch (const CommandExit& exit) {
    return exit.code;
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // Usage errors: CLI11's message on one line, then how to get help. Always exit 2.
    std::cerr << "swarmop: " << e.what() << " (see swarmop --help)\n";
    return kExitError;
  }
  return kExitOk;
}
