// swarmop lint [CHART...]: a chart's metadata, values schema, templates and rendered specs; every chart
// shipped with swarmop when none is named.
#include <CLI/CLI.hpp>
#include <iostream>

#include "chart_support.h"
#include "cli_support.h"
#include "commands.h"

namespace swarmop::cli {
namespace {

struct LintArgs {
  std::vector<std::string> charts;
};

void RunLint(const LintArgs& args) {
  std::vector<std::string> refs = args.charts.empty() ? charts::ShippedCharts() : args.charts;
  int failed = 0;
  for (const std::string& ref : refs) {
    const charts::Chart chart = LoadChartOrFail(ref);
    const std::vector<crds::Diagnostic> problems = charts::LintChart(chart);
    if (problems.empty()) {
      std::cout << chart.name << " " << chart.version << ": ok (" << chart.templates.size()
                << " templates)\n";
      continue;
    }
    ++failed;
    PrintDiagnostics(problems);
    std::cout << chart.name << " " << chart.version << ": " << ErrorSummary(problems) << "\n";
  }
  if (failed > 0) throw CommandExit{kExitFailed};
}

}  // namespace

void AddLintCommand(CLI::App& app) {
  auto args = std::make_shared<LintArgs>();
  CLI::App* cmd =
      app.add_subcommand("lint", "check charts: metadata, values schema, templates, rendered specs");
  cmd->add_option("charts", args->charts,
                  "chart folders or shipped chart names (default: every shipped chart)");
  cmd->callback([args] { RunLint(*args); });
}

}  // namespace swarmop::cli
