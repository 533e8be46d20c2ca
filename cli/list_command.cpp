// swarmop list: the releases installed from charts, with chart, version, revision and status.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli_support.h"
#include "commands.h"
#include "swarmop/charts/release.h"

namespace swarmop::cli {
namespace {

void RunList() {
  std::unique_ptr<engine::Engine> engine = ConnectFromEnvironment();
  auto releases = charts::ListReleases(*engine);
  if (!releases.ok()) FailOnEngineError(releases.status(), "listing releases");
  std::vector<std::vector<std::string>> rows = {
      {"NAME", "CHART", "VERSION", "REVISION", "STATUS", "SPECS", "UPDATED"}};
  for (const charts::ReleaseRecord& r : *releases) {
    rows.push_back({r.release, r.chart, r.version, std::to_string(r.revision), r.status,
                    std::to_string(r.specs.size()), FormatAge(r.updated_at)});
  }
  std::cout << FormatTable(rows);
}

}  // namespace

void AddListCommand(CLI::App& app) {
  CLI::App* cmd =
      app.add_subcommand("list", "releases installed from charts (chart, version, revision, status)");
  cmd->callback([] { RunList(); });
}

}  // namespace swarmop::cli
