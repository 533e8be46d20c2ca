// A chart built in memory for tests (no files): one Service template fed by a small values schema.
#pragma once

#include "swarmop/charts/chart.h"

namespace swarmop::charts::testing {

inline const char* kApiValues = R"(name: web
image: busybox:1
sites:
  douala: {replicas: 2}
)";

inline const char* kApiSchema = R"({
  "type": "object", "additionalProperties": false, "required": ["image"],
  "properties": {
    "name": {"type": "string"},
    "image": {"type": "string", "minLength": 1},
    "sites": {"type": "object", "additionalProperties": {
      "type": "object", "additionalProperties": false,
      "properties": {"replicas": {"type": "integer", "minimum": 0}}}},
    "tags": {"type": "array", "items": {"type": "string"}}
  }
})";

inline const char* kApiTemplate = R"(apiVersion: swarmop.io/v1alpha1
kind: Service
metadata:
  name: {{Values.name}}
spec:
  image: {{Values.image}}
  sites: {{#toYaml}}Values.sites{{/toYaml}}
)";

inline Chart ApiChart(std::string tmpl = kApiTemplate, std::string values = kApiValues) {
  Chart chart;
  chart.dir = "api";
  chart.name = "api";
  chart.version = "1.0.0";
  chart.app_version = "1.0.0";
  chart.description = "test";
  chart.values_yaml = std::move(values);
  chart.schema_json = kApiSchema;
  chart.templates = {{"templates/service.yaml", std::move(tmpl)}};
  chart.has_readme = true;
  return chart;
}

}  // namespace swarmop::charts::testing
