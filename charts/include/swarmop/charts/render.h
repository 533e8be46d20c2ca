// Rendering a chart: values (chart defaults, then -f files in order, then --set flags, later wins; maps
// merge, lists and scalars replace), checked against values.schema.json, then every template rendered with
// mustache (kainjow) and the helpers below, then every rendered document parsed and validated as a swarmop
// spec.
//
// Templates see three roots: `Values` (the merged values), `Release` (Name, Revision) and `Chart` (Name,
// Version, AppVersion). Output is not HTML-escaped. Helpers, for what logic-less mustache cannot say (their
// PATH is always from the root, e.g. Values.sites):
//   {{#toYaml}}PATH{{/toYaml}}            the value as flow YAML (JSON): {"douala":{"replicas":2}}
//   {{#join}}PATH|SEP{{/join}}            a list's items joined by SEP (", " when absent)
//   {{#default}}PATH|FALLBACK{{/default}} the value when set and not "" (else FALLBACK, itself rendered)
//   {{#required}}PATH|MESSAGE{{/required}} the value, or a template error MESSAGE when it is unset or ""
//   {{#quote}}TEXT{{/quote}}              TEXT rendered, then written as a double-quoted YAML string
// Errors are diagnostics: a value as "values.yaml:LINE:COL: path: message" (for --set, the flag in place
// of the file), a template as "chart/templates/x.yaml:LINE:COL: message", a rendered spec as its template's
// file with the line in the rendered output (see RenderedManifests).
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "swarmop/charts/chart.h"
#include "swarmop/crds/diagnostic.h"
#include "swarmop/crds/load.h"
#include "swarmop/reconciler/core/labels.h"

namespace swarmop::charts {

inline constexpr const char* kReleaseLabel = reconciler::labels::kRelease;

struct ValuesFile {
  std::string path;  // as shown in diagnostics
  std::string content;
};

struct RenderRequest {
  std::string release = "release-name";  // Release.Name (Helm's default for `template` too)
  int revision = 1;
  std::vector<ValuesFile> values_files;  // -f, in order
  std::vector<std::string> set_flags;    // --set a.b=c, in order ("a.b=c"; lists as {x,y})
  // Adds metadata.labels[io.swarmop.release] = release to every rendered spec (install/upgrade): the
  // manifests become the specs' canonical documents, with `environment`'s overrides applied (as `apply
  // --env` stores them).
  bool label_release = false;
  std::string environment;
};

struct RenderResult {
  std::vector<crds::Diagnostic> errors;  // values, then templates, then specs; empty = usable
  std::string values_json;               // the merged values (compact JSON, sorted keys)
  // One source per template that rendered to at least one document, path "<chart>/templates/<file>".
  std::vector<crds::SourceFile> manifests;
  crds::DesiredState specs;  // the rendered specs, parsed and validated (no cross-references)

  bool ok() const { return errors.empty(); }
};

RenderResult RenderChart(const Chart& chart, const RenderRequest& request);

// What `swarmop template` prints: each manifest after a "# Source: <path>" line, documents separated by
// "---". Feeding it to `swarmop apply -f -` stores the same specs.
std::string ManifestStream(const RenderResult& result);

// `swarmop lint`: Chart.yaml fields, README.md present, values.yaml against the schema, every template
// renders with the defaults and every document is a valid spec, cross-references within the chart checked
// when it holds its own Sites. Returns the problems (empty = clean).
std::vector<crds::Diagnostic> LintChart(const Chart& chart);

}  // namespace swarmop::charts
