// swarmop template CHART: render a chart with its values and print the specs (no engine needed), e.g.
//   swarmop template django-api -f prod.yaml --set image=acme/api:1.5 | swarmop diff -f -
#include <CLI/CLI.hpp>
#include <iostream>

#include "chart_support.h"
#include "cli_support.h"
#include "commands.h"

namespace swarmop::cli {
namespace {

struct TemplateArgs {
  std::string chart;
  std::string release = "release-name";
  bool label_release = false;
  ChartValueArgs values;
};

void RunTemplate(const TemplateArgs& args) {
  const charts::Chart chart = LoadChartOrFail(args.chart);
  charts::RenderRequest request;
  request.release = args.release;
  request.label_release = args.label_release;
  const charts::RenderResult rendered = RenderOrFail(chart, args.values, request, "nothing rendered");
  std::cout << charts::ManifestStream(rendered);
}

}  // namespace

void AddTemplateCommand(CLI::App& app) {
  auto args = std::make_shared<TemplateArgs>();
  CLI::App* cmd =
      app.add_subcommand("template", "render a chart's specs to stdout (validated; nothing stored)");
  cmd->add_option("chart", args->chart, "chart folder, or the name of a chart shipped with swarmop")
      ->required();
  AddChartValueOptions(cmd, args->values);
  cmd->add_option("--release", args->release, "Release.Name seen by the templates (default release-name)");
  cmd->add_flag("--label-release", args->label_release,
                "label every spec io.swarmop.release=<release> as install does (canonical documents)");
  cmd->callback([args] { RunTemplate(*args); });
}

}  // namespace swarmop::cli
