// What the chart commands (template, lint, install, upgrade, uninstall, list) share: the values flags,
// loading a chart, reading values files, rendering it with errors printed.
#pragma once

#include <string>
#include <vector>

#include "swarmop/base/status.h"
#include "swarmop/charts/chart.h"
#include "swarmop/charts/render.h"

namespace CLI {
class App;
}

namespace swarmop::cli {

struct ChartValueArgs {
  std::vector<std::string> files;  // -f/--values, in order ("-" = stdin)
  std::vector<std::string> sets;   // --set, in order
};

// -f/--values FILE (repeatable), --set PATH=VALUE (repeatable).
void AddChartValueOptions(CLI::App* cmd, ChartValueArgs& args);

// charts::LoadChart, exiting 2 with one line when the chart cannot be read.
charts::Chart LoadChartOrFail(const std::string& ref);

// A values file's content ("-" = stdin), or why it cannot be read ("-f PATH: cannot read the values file").
StatusOr<std::string> ReadValuesFile(const std::string& path);

// Reads the values files and renders; on any error prints every diagnostic and `failure_note` on stderr and
// exits 1.
charts::RenderResult RenderOrFail(const charts::Chart& chart, const ChartValueArgs& values,
                                  charts::RenderRequest request, const std::string& failure_note);

}  // namespace swarmop::cli
