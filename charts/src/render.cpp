// RenderChart, ManifestStream, LintChart: values -> templates -> validated specs.
#include "swarmop/charts/render.h"

#include <nlohmann/json.hpp>
#include <string_view>

#include "helpers.h"
#include "values.h"

namespace swarmop::charts {
namespace {

crds::Diagnostic ChartProblem(const std::string& file, const std::string& message) {
  crds::Diagnostic d;
  d.file = file;
  d.message = message;
  return d;
}

// True when the text holds something besides blank lines, comments and document markers.
bool HasContent(const std::string& text) {
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(start, end - start);
    const size_t first = line.find_first_not_of(" \t\r");
    if (first != std::string::npos && line[first] != '#' && line.compare(first, 3, "---") != 0) return true;
    start = end + 1;
  }
  return false;
}

// Every parsed spec as its canonical document (JSON, which is YAML) with metadata.labels[io.swarmop.release]
// set: what install/upgrade store. One source per spec, named after its template.
template <typename T>
void AppendLabelled(const std::vector<T>& objects, const std::string& release,
                    std::vector<crds::SourceFile>& out) {
  for (const T& object : objects) {
    nlohmann::json doc = nlohmann::json::parse(object.CanonicalJson());
    doc["metadata"]["labels"][kReleaseLabel] = release;
    out.push_back({object.source_file, doc.dump() + "\n"});
  }
}

nlohmann::json TemplateRoot(const Chart& chart, const RenderRequest& request, const nlohmann::json& values) {
  return {{"Values", values},
          {"Release", {{"Name", request.release}, {"Revision", std::to_string(request.revision)}}},
          {"Chart", {{"Name", chart.name}, {"Version", chart.version}, {"AppVersion", chart.app_version}}}};
}

}  // namespace

RenderResult RenderChart(const Chart& chart, const RenderRequest& request) {
  RenderResult result;
  internal::Values values;
  internal::MergeValuesFile(chart.dir + "/values.yaml", chart.values_yaml, values, result.errors);
  for (const ValuesFile& file : request.values_files)
    internal::MergeValuesFile(file.path, file.content, values, result.errors);
  for (const std::string& flag : request.set_flags) internal::MergeSetFlag(flag, values, result.errors);
  if (result.errors.empty() && !chart.schema_json.empty()) {
    result.errors = internal::CheckValuesSchema(chart.dir + "/values.schema.json", chart.schema_json, values);
  }
  result.values_json = values.value.dump();
  if (!result.errors.empty()) return result;

  const nlohmann::json root = TemplateRoot(chart, request, values.value);
  for (const ChartTemplate& t : chart.templates) {
    const std::string file = chart.name + "/" + t.name;
    internal::TemplateOutput rendered = internal::RenderTemplate(file, t.content, root);
    if (rendered.error) {
      result.errors.push_back(*rendered.error);
      continue;
    }
    if (HasContent(rendered.text)) result.manifests.push_back({file, std::move(rendered.text)});
  }
  if (!result.errors.empty()) return result;

  crds::LoadResult parsed = crds::ParseSpecs(result.manifests);
  if (!parsed.ok()) {
    result.errors = std::move(parsed.errors);
    return result;
  }
  if (request.label_release) {
    if (!request.environment.empty()) {
      parsed = crds::ParseSpecs(result.manifests, {.environment = request.environment});
      if (!parsed.ok()) {
        result.errors = std::move(parsed.errors);
        return result;
      }
    }
    std::vector<crds::SourceFile> labelled;
    AppendLabelled(parsed.state.sites, request.release, labelled);
    AppendLabelled(parsed.state.services, request.release, labelled);
    AppendLabelled(parsed.state.replications, request.release, labelled);
    result.manifests = std::move(labelled);
    parsed = crds::ParseSpecs(result.manifests);
    if (!parsed.ok()) {
      result.errors = std::move(parsed.errors);
      return result;
    }
  }
  result.specs = std::move(parsed.state);
  return result;
}

std::string ManifestStream(const RenderResult& result) {
  std::string out;
  for (const crds::SourceFile& manifest : result.manifests) {
    // A template that starts with its own "---" would otherwise leave an empty document after the comment.
    std::string_view content = manifest.content;
    while (content.rfind("\n", 0) == 0) content.remove_prefix(1);
    if (content.rfind("---\n", 0) == 0) content.remove_prefix(4);
    out += "---\n# Source: " + manifest.path + "\n" + std::string(content);
    if (!content.empty() && content.back() != '\n') out += "\n";
  }
  return out;
}

std::vector<crds::Diagnostic> LintChart(const Chart& chart) {
  std::vector<crds::Diagnostic> problems;
  const std::string meta = chart.dir + "/Chart.yaml";
  if (chart.description.empty()) problems.push_back(ChartProblem(meta, "description: missing"));
  if (chart.app_version.empty()) problems.push_back(ChartProblem(meta, "appVersion: missing"));
  if (!chart.has_readme)
    problems.push_back(ChartProblem(chart.dir + "/README.md", "missing (values table, an example)"));
  if (chart.schema_json.empty())
    problems.push_back(ChartProblem(chart.dir + "/values.schema.json", "missing (the values' JSON Schema)"));
  if (chart.templates.empty())
    problems.push_back(ChartProblem(chart.dir + "/templates", "no *.yaml template"));
  RenderResult rendered = RenderChart(chart, RenderRequest{});
  problems.insert(problems.end(), rendered.errors.begin(), rendered.errors.end());
  if (rendered.ok() && rendered.manifests.empty())
    problems.push_back(ChartProblem(chart.dir + "/templates", "the defaults render no spec"));
  // A chart that brings its own Sites must be whole; others name sites the swarm already has.
  if (rendered.ok() && !rendered.specs.sites.empty()) {
    for (const crds::Diagnostic& d : crds::CheckCrossReferences(rendered.specs)) problems.push_back(d);
  }
  return problems;
}

}  // namespace swarmop::charts
