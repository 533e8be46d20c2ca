// What the chart commands (template, lint, install, upgrade, uninstall, list) share: the values flags,
// loading a chart, rendering it with errors printed, and the specs a release owns in the store.
#pragma once

#include <string>
#include <vector>

#include "swarmop/charts/chart.h"
#include "swarmop/charts/render.h"
#include "swarmop/reconciler/store/spec_store.h"

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

// Reads the values files and renders; on any error prints every diagnostic and `failure_note` on stderr and
// exits 1.
charts::RenderResult RenderOrFail(const charts::Chart& chart, const ChartValueArgs& values,
                                  charts::RenderRequest request, const std::string& failure_note);

// The stored specs labelled io.swarmop.release=<release>, sorted by kind and name.
std::vector<const reconciler::StoredSpec*> ReleaseSpecs(const reconciler::StoreContents& contents,
                                                        const std::string& release);

// `desired` without the given Kind/name keys ("Service/x").
crds::DesiredState WithoutSpecs(const crds::DesiredState& desired, const std::vector<std::string>& keys);

}  // namespace swarmop::cli
