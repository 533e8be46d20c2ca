#include "swarmop/crds/diagnostic.h"

#include <set>

namespace swarmop::crds {

std::string Diagnostic::ToString() const {
  std::string out = file;
  if (line > 0) out += ":" + std::to_string(line) + ":" + std::to_string(column);
  out += ": ";
  if (!kind.empty() || !name.empty()) {
    out += (kind.empty() ? "?" : kind) + "/" + (name.empty() ? "?" : name) + ": ";
  }
  if (!field.empty()) out += field + ": ";
  return out + message;
}

std::string FormatDiagnostics(const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const Diagnostic& d : diagnostics) out += d.ToString() + "\n";
  return out;
}

std::string DiagnosticsSummary(const std::vector<Diagnostic>& diagnostics) {
  std::set<std::string> files;
  for (const Diagnostic& d : diagnostics) files.insert(d.file);
  auto plural = [](size_t n, const char* word) {
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
  };
  return plural(diagnostics.size(), "error") + " in " + plural(files.size(), "file");
}

}  // namespace swarmop::crds
