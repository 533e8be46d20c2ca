#include "swarmop/reconciler/controller/spec_problems.h"

#include <optional>
#include <set>

#include "swarmop/reconciler/core/labels.h"

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

bool IsInvalid(const SpecProblems& problems, crds::Kind kind, const std::string& name) {
  return problems.invalid.count(Request{crds::KindName(kind), name}) > 0;
}

// The Sites a Replication places members or servers at.
std::vector<std::string> SitesOf(const crds::ReplicationSpec& spec) {
  std::vector<std::string> sites = spec.read_replicas;
  if (!spec.primary.empty()) sites.push_back(spec.primary);
  for (const crds::MongoMember& member : spec.members) sites.push_back(member.site);
  if (spec.logical) {
    if (!spec.logical->subscriber.empty()) sites.push_back(spec.logical->subscriber);
    for (const crds::Publication& publication : spec.logical->publications) sites.push_back(publication.site);
  }
  return sites;
}

// Why `kind/name` cannot be rendered while `missing` does not load.
void MarkUnrenderable(const StoreContents& contents, crds::Kind kind, const std::string& name,
                      const std::string& field, const std::string& missing, SpecProblems& problems) {
  InvalidSpec& spec = problems.invalid[Request{crds::KindName(kind), name}];
  crds::Diagnostic error;
  error.kind = crds::KindName(kind);
  error.name = name;
  error.field = field;
  error.message = missing + " does not load, so this spec is not rendered and what it runs is left alone";
  spec.errors.push_back(std::move(error));
  if (spec.config_id.empty()) {
    if (const StoredSpec* stored = contents.Find(kind, name)) {
      spec.config_id = stored->config_id;
      spec.config_name = stored->config_name;
      spec.stored_winner = true;
    }
  }
}

// Replications first: a Service's database may be one that cannot render.
void AddUnrenderable(const StoreContents& contents, SpecProblems& problems) {
  const crds::DesiredState& state = contents.state;
  for (const crds::Replication& r : state.replications) {
    if (IsInvalid(problems, crds::Kind::kReplication, r.name())) continue;
    for (const std::string& site : SitesOf(r.spec)) {
      if (site.empty() || state.FindSite(site)) continue;
      MarkUnrenderable(contents, crds::Kind::kReplication, r.name(), "spec", "Site " + site, problems);
      break;
    }
  }
  for (const crds::Service& s : state.services) {
    if (IsInvalid(problems, crds::Kind::kService, s.name())) continue;
    for (const auto& [site, placement] : s.spec.sites) {
      if (state.FindSite(site)) continue;
      MarkUnrenderable(contents, crds::Kind::kService, s.name(), "spec.sites." + site, "Site " + site,
                       problems);
      break;
    }
    const std::string& db = s.spec.database_replication;
    if (!IsInvalid(problems, crds::Kind::kService, s.name()) && !db.empty() &&
        (!state.FindReplication(db) || IsInvalid(problems, crds::Kind::kReplication, db))) {
      MarkUnrenderable(contents, crds::Kind::kService, s.name(), "spec.database.replication",
                       "Replication " + db, problems);
    }
  }
}

}  // namespace

crds::DesiredState RenderableState(const crds::DesiredState& stored, const SpecProblems& problems) {
  crds::DesiredState out = stored;
  std::erase_if(out.services,
                [&](const crds::Service& s) { return IsInvalid(problems, crds::Kind::kService, s.name()); });
  std::erase_if(out.replications, [&](const crds::Replication& r) {
    return IsInvalid(problems, crds::Kind::kReplication, r.name());
  });
  return out;
}

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
  AddUnrenderable(contents, problems);
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
