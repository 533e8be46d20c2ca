// LoadChart: a chart folder read into memory.
#include "swarmop/charts/chart.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

namespace swarmop::charts {
namespace {

namespace fs = std::filesystem;

std::optional<std::string> ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string Scalar(const YAML::Node& node, const char* key) {
  const YAML::Node value = node[key];
  return value && value.IsScalar() ? value.as<std::string>() : std::string();
}

std::vector<fs::path> ChartRoots() {
  std::vector<fs::path> roots;
  if (const char* dir = std::getenv("SWARMOP_CHARTS_DIR"); dir != nullptr && *dir != '\0')
    roots.push_back(dir);
  roots.push_back(SWARMOP_CHARTS_DIR);
  return roots;
}

fs::path Resolve(const std::string& ref) {
  std::error_code ec;
  if (fs::is_directory(ref, ec)) return ref;
  if (ref.find('/') == std::string::npos) {
    for (const fs::path& root : ChartRoots()) {
      if (fs::is_regular_file(root / ref / "Chart.yaml", ec)) return root / ref;
    }
  }
  return ref;
}

}  // namespace

StatusOr<Chart> LoadChart(const std::string& ref) {
  const fs::path dir = Resolve(ref);
  Chart chart;
  chart.dir = dir.string();
  const auto meta_text = ReadFile(dir / "Chart.yaml");
  if (!meta_text) {
    std::string shipped;
    for (const std::string& path : ShippedCharts())
      shipped += (shipped.empty() ? "" : ", ") + fs::path(path).filename().string();
    return InvalidArgumentError(ref + ": not a chart (no " + (dir / "Chart.yaml").string() +
                                "); shipped charts: " + shipped);
  }
  try {
    const YAML::Node meta = YAML::Load(*meta_text);
    chart.name = Scalar(meta, "name");
    chart.version = Scalar(meta, "version");
    chart.app_version = Scalar(meta, "appVersion");
    chart.description = Scalar(meta, "description");
  } catch (const YAML::Exception& e) {
    return InvalidArgumentError((dir / "Chart.yaml").string() + ":" + std::to_string(e.mark.line + 1) + ":" +
                                std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
  if (chart.name.empty() || chart.version.empty())
    return InvalidArgumentError((dir / "Chart.yaml").string() + ": needs name and version");
  chart.values_yaml = ReadFile(dir / "values.yaml").value_or("");
  chart.schema_json = ReadFile(dir / "values.schema.json").value_or("");
  std::error_code ec;
  chart.has_readme = fs::is_regular_file(dir / "README.md", ec);
  if (!fs::is_directory(dir / "templates", ec))
    return InvalidArgumentError(chart.dir + ": no templates/ folder");
  for (const auto& entry : fs::directory_iterator(dir / "templates", ec)) {
    const std::string ext = entry.path().extension().string();
    if (!entry.is_regular_file() || (ext != ".yaml" && ext != ".yml")) continue;
    auto content = ReadFile(entry.path());
    if (!content) return InvalidArgumentError(entry.path().string() + ": unreadable");
    chart.templates.push_back({"templates/" + entry.path().filename().string(), std::move(*content)});
  }
  std::sort(chart.templates.begin(), chart.templates.end(),
            [](const ChartTemplate& a, const ChartTemplate& b) { return a.name < b.name; });
  return chart;
}

std::vector<std::string> ShippedCharts() {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(SWARMOP_CHARTS_DIR, ec)) {
    if (entry.is_directory() && fs::is_regular_file(entry.path() / "Chart.yaml", ec))
      out.push_back(entry.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace swarmop::charts
