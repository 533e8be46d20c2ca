#include "swarmop/crds/diagnostic.h"

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

}  // namespace swarmop::crds
