// A problem found in a manifest, pointing at file:line:column and the field path.
// Thread-safety: plain value.
#pragma once

#include <string>
#include <vector>

namespace swarmop::crds {

struct Diagnostic {
  std::string file;     // as given (relative paths stay relative), "-" for stdin, "config:<name>"
  int line = 0;         // 1-based; 0 when unknown
  int column = 0;       // 1-based; 0 when unknown
  std::string kind;     // "Service"; empty when the document's kind is unknown
  std::string name;     // metadata.name; empty when unknown
  std::string field;    // "spec.sites.douala.replicas", "spec.ports[0].target"; empty = whole document
  std::string message;  // "must be an integer, got string \"two\""

  // "manifests/app.yaml:12:7: Service/identity-api: spec.sites.douala.replica: unknown field (did you mean
  // "replicas"?)". Parts that are unknown are left out ("Service/?" when only the name is missing; no
  // "Kind/name: " for YAML syntax errors).
  std::string ToString() const;
};

// One line per diagnostic, each ending in '\n'.
std::string FormatDiagnostics(const std::vector<Diagnostic>& diagnostics);

// "3 errors in 2 files": how many diagnostics, in how many files.
std::string DiagnosticsSummary(const std::vector<Diagnostic>& diagnostics);

}  // namespace swarmop::crds
