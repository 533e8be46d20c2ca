// Shared by the chart commands (chart_support.h).
#include "chart_support.h"

#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "cli_support.h"

namespace swarmop::cli {
namespace {

std::string ReadValuesFileOrFail(const std::string& path) {
  auto content = ReadValuesFile(path);
  if (!content.ok()) Fail(kExitError, content.status().message());
  return std::move(content).value();
}

}  // namespace

StatusOr<std::string> ReadValuesFile(const std::string& path) {
  if (path == "-") return std::string(std::istreambuf_iterator<char>(std::cin), {});
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgumentError("-f " + path + ": cannot read the values file");
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void AddChartValueOptions(CLI::App* cmd, ChartValueArgs& args) {
  cmd->add_option("-f,--values", args.files,
                  "values file (YAML) merged over the chart's values.yaml; repeatable, "
                  "later wins; - for stdin");
  cmd->add_option("--set", args.sets, "PATH=VALUE (a.b=c, list[0]=x, a={x,y}) merged last; repeatable");
}

charts::Chart LoadChartOrFail(const std::string& ref) {
  auto chart = charts::LoadChart(ref);
  if (!chart.ok()) Fail(kExitError, chart.status().message());
  return std::move(chart).value();
}

charts::RenderResult RenderOrFail(const charts::Chart& chart, const ChartValueArgs& values,
                                  charts::RenderRequest request, const std::string& failure_note) {
  for (const std::string& path : values.files)
    request.values_files.push_back({path, ReadValuesFileOrFail(path)});
  request.set_flags = values.sets;
  charts::RenderResult result = charts::RenderChart(chart, request);
  if (!result.ok()) {
    PrintDiagnostics(result.errors);
    std::cerr << failure_note << "\n";
    throw CommandExit{kExitFailed};
  }
  return result;
}

}  // namespace swarmop::cli
