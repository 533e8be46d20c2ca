// A chart: a folder of Chart.yaml (name, version, appVersion, description), values.yaml (defaults),
// values.schema.json (JSON Schema of the values), templates/*.yaml (mustache) and README.md.
// Thread-safety: plain values and pure functions.
#pragma once

#include <string>
#include <vector>

#include "swarmop/base/status.h"

namespace swarmop::charts {

struct ChartTemplate {
  std::string name;  // "templates/service.yaml"
  std::string content;
};

struct Chart {
  std::string dir;  // as given
  std::string name;
  std::string version;
  std::string app_version;
  std::string description;
  std::string values_yaml;               // the defaults, as written
  std::string schema_json;               // empty when the chart has none
  std::vector<ChartTemplate> templates;  // sorted by name
  bool has_readme = false;
};

// Reads a chart folder. `ref` is a path to a folder, or the name of a chart shipped with swarmop (looked up
// in $SWARMOP_CHARTS_DIR, then in the source tree's charts/). Fails (kInvalidArgument) naming the file when
// Chart.yaml is missing or lacks name/version, or templates/ is missing.
StatusOr<Chart> LoadChart(const std::string& ref);

// The folders of every chart shipped with swarmop (each holding a Chart.yaml), sorted.
std::vector<std::string> ShippedCharts();

}  // namespace swarmop::charts
