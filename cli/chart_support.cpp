// Shared by the chart commands (chart_support.h).
#include "chart_support.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "cli_support.h"
#include "swarmop/reconciler/core/labels.h"

namespace swarmop::cli {
namespace {

std::string ReadValuesFileOrFail(const std::string& path) {
  if (path == "-") return std::string(std::istreambuf_iterator<char>(std::cin), {});
  std::ifstream in(path, std::ios::binary);
  if (!in) Fail(kExitError, "-f " + path + ": cannot read the values file");
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

template <typename T>
void KeepUnless(const std::vector<T>& from, crds::Kind kind, const std::vector<std::string>& keys,
                std::vector<T>& into) {
  for (const T& object : from) {
    const std::string key = std::string(crds::KindName(kind)) + "/" + object.name();
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) into.push_back(object);
  }
}

}  // namespace

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

std::vector<const reconciler::StoredSpec*> ReleaseSpecs(const reconciler::StoreContents& contents,
                                                        const std::string& release) {
  std::vector<const reconciler::StoredSpec*> out;
  for (const reconciler::StoredSpec& spec : contents.specs) {
    auto it = spec.labels.find(reconciler::labels::kRelease);
    if (spec.owned && it != spec.labels.end() && it->second == release) out.push_back(&spec);
  }
  return out;
}

crds::DesiredState WithoutSpecs(const crds::DesiredState& desired, const std::vector<std::string>& keys) {
  crds::DesiredState out;
  KeepUnless(desired.sites, crds::Kind::kSite, keys, out.sites);
  KeepUnless(desired.services, crds::Kind::kService, keys, out.services);
  KeepUnless(desired.replications, crds::Kind::kReplication, keys, out.replications);
  return out;
}

}  // namespace swarmop::cli
