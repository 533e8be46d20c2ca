#include "swarmop/reconciler/spec_problems.h"

#include <optional>
#include <set>

#include "swarmop/reconciler/labels.h"

namespace swarmop::reconciler {
namespace {

std::optional<Request> KeyFromLabels(const std::map<std::string, std::string>& config_labels) {
  auto kind = config_labels.find(labels::kKind);
  auto name = config_labels.find(labels::kName);
  if (kind == config_labels.end() || name == config_labels.end()) return std::nullopt;
  auto parsed = ParseKindName(kind->second);
  if (!parsed || name->second.empty()) return std::nullopt;
  return Request{crds::KindName(*parsed), name->second};
}

std::optional<Request> KeyFromDiagnostics(const std::vector<crds::Diagnostic>& errors) {
  for (const crds::Diagnostic& d : errors) {
    if (d.kind.empty() || d.name.empty()) continue;
    if (auto kind = ParseKindName(d.kind)) return Request{crds::KindName(*kind), d.name};
  }
  return std::nullopt;
}

void AddCrossReferenceErrors(const StoreContents& contents, SpecProblems& problems) {
  for (const crds::Diagnostic& d : contents.cross_reference_errors) {
    auto kind = ParseKindName(d.kind);
    if (!kind || d.name.empty()) continue;
    InvalidSpec& spec = problems.invalid[Request{crds::KindName(*kind), d.name}];
    spec.errors.push_back(d);
    if (spec.config_id.empty()) {
      if (const StoredSpec* stored = contents.Find(*kind, d.name)) {
        spec.config_id = stored->config_id;
        spec.config_name = stored->config_name;
        spec.stored_winner = true;
      }
    }
  }
}

}  // namespace

SpecProblems FindSpecProblems(const StoreContents& contents) {
  SpecProblems problems;
  for (const InvalidConfig& config : contents.invalid) {
    std::optional<Request> key = KeyFromLabels(config.labels);
    if (!key) key = KeyFromDiagnostics(config.errors);
    if (!key) {
      problems.unattributed.push_back(config);
      continue;
    }
    InvalidSpec& spec = problems.invalid[*key];
    spec.errors.insert(spec.errors.end(), config.errors.begin(), config.errors.end());
    spec.config_id = config.config_id;  // the broken config is where the user looks
    spec.config_name = config.config_name;
    spec.stored_winner = false;
  }
  AddCrossReferenceErrors(contents, problems);
  return problems;
}

std::vector<Request> SpecKeys(const StoreContents& contents, const SpecProblems& problems) {
  std::set<Request> keys;
  for (const StoredSpec& spec : contents.specs) keys.insert(Request{crds::KindName(spec.kind), spec.name});
  for (const auto& [key, spec] : problems.invalid) keys.insert(key);
  return {keys.begin(), keys.end()};
}

std::string FormatProblems(const std::vector<crds::Diagnostic>& errors, size_t max_lines) {
  std::string text;
  for (size_t i = 0; i < errors.size() && i < max_lines; ++i) {
    if (i > 0) text += "; ";
    text += errors[i].ToString();
  }
  if (errors.size() > max_lines) text += "; (" + std::to_string(errors.size() - max_lines) + " more)";
  return text;
}

}  // namespace swarmop::reconciler
