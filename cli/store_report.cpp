#include "store_report.h"

#include "cli_support.h"
#include "spec_status_text.h"
#include "swarmop/reconciler/gitops/git_source.h"

namespace swarmop::cli {

bool SpecSelector::Matches(crds::Kind k, const std::string& n) const {
  return (!kind || *kind == k) && (name.empty() || name == n);
}

SpecSelector ParseSelector(const std::string& kind_arg, const std::string& name_arg) {
  SpecSelector selector;
  if (kind_arg.empty()) return selector;
  std::string kind_text = kind_arg;
  selector.name = name_arg;
  if (const size_t slash = kind_arg.find('/'); slash != std::string::npos) {
    if (!name_arg.empty()) Fail(kExitError, "give KIND/NAME or KIND NAME, not both");
    kind_text = kind_arg.substr(0, slash);
    selector.name = kind_arg.substr(slash + 1);
  }
  selector.kind = reconciler::ParseKindName(kind_text);
  if (!selector.kind) Fail(kExitError, "unknown kind '" + kind_text + "': use site, service or replication");
  return selector;
}

std::string SpecTable(const reconciler::StoreContents& contents, const SpecSelector& selector) {
  std::vector<std::vector<std::string>> rows = {
      {"KIND", "NAME", "HASH", "REVISION", "CONFIG", "AGE", "STATUS"}};
  for (const reconciler::StoredSpec& spec : contents.specs) {
    if (!selector.Matches(spec.kind, spec.name)) continue;
    std::string config = spec.config_name + (spec.owned ? "" : " (hand-made)");
    // REVISION: the git commit pull mode applied (git_source.h); "-" for specs from apply or by hand.
    auto revision = spec.labels.find(reconciler::labels::kGitRevision);
    rows.push_back({crds::KindName(spec.kind), spec.name, spec.spec_hash.substr(0, 10),
                    revision == spec.labels.end() ? "-" : revision->second.substr(0, 12), config,
                    FormatAge(spec.created_at), StatusText(spec.labels)});
  }
  return FormatTable(rows);
}

void PrintStoreProblems(const reconciler::StoreContents& contents, std::ostream& out) {
  for (const reconciler::SupersededConfig& s : contents.superseded) {
    out << "superseded: config " << s.config_name << " holds an older " << crds::KindName(s.kind) << "/"
        << s.name << " (newest: " << s.winner_config_name << ")"
        << (s.owned ? "; the next apply of it removes it"
                    : "; not swarmop's, left in place (docker config rm " + s.config_name + ")")
        << "\n";
  }
  for (const reconciler::InvalidConfig& invalid : contents.invalid) {
    const size_t n = invalid.errors.size();
    out << "invalid: config " << invalid.config_name << " holds a manifest with " << n
        << (n == 1 ? " error" : " errors") << " (ignored until fixed):\n";
    for (const crds::Diagnostic& d : invalid.errors) out << "  " << d.ToString() << "\n";
  }
  if (!contents.cross_reference_errors.empty()) {
    out << "the stored specs do not fit together:\n";
    for (const crds::Diagnostic& d : contents.cross_reference_errors) out << "  " << d.ToString() << "\n";
  }
}

}  // namespace swarmop::cli
