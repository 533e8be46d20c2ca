// Spec problems: which keys have a spec that does not load, and the configs whose key nobody can tell.
// A config's errors belong to the key its labels name (io.swarmop.kind/name), else to the Kind/name its
// diagnostics name; cross-reference errors belong to the Kind/name they point at. A config that names no
// key at all (say, a YAML syntax error in a hand-made spec) is "unattributed": the controller then prunes
// nothing, since that config may be the new home of a spec whose old config was just removed.
// Thread-safety: pure functions over values.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "swarmop/crds/diagnostic.h"
#include "swarmop/reconciler/core/reconciler.h"
#include "swarmop/reconciler/store/spec_store.h"

namespace swarmop::reconciler {

struct InvalidSpec {
  std::vector<crds::Diagnostic> errors;
  std::string config_id;  // where to show the status: the invalid config, or the spec's winning config
  std::string config_name;
  bool stored_winner = false;  // config_id is the key's winning StoredSpec (cross-reference errors)
};

struct SpecProblems {
  std::map<Request, InvalidSpec> invalid;
  std::vector<InvalidConfig> unattributed;
  bool empty() const { return invalid.empty() && unattributed.empty(); }
};

// Includes the specs that load but cannot be rendered because something they name does not load (a Site
// whose config is broken, a Replication that is itself invalid): they are invalid too, with an error that
// says which, so their running objects are left alone rather than pruned.
SpecProblems FindSpecProblems(const StoreContents& contents);

// The stored desired state minus the invalid Services and Replications: one bad spec must not stop every
// other spec from rendering. Sites always stay (others may name them; a Site renders on its own).
crds::DesiredState RenderableState(const crds::DesiredState& stored, const SpecProblems& problems);

// The keys of every stored spec (valid or not, when attributable), in kind then name order.
std::vector<Request> SpecKeys(const StoreContents& contents, const SpecProblems& problems);

// "config:api:3:5: Service/api: spec.replicas: ..." lines, at most `max_lines` then "(N more)".
std::string FormatProblems(const std::vector<crds::Diagnostic>& errors, size_t max_lines = 5);

}  // namespace swarmop::reconciler
