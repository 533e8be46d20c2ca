// Printing the stored specs: the `swarmop get` table, and the problems found while loading (superseded and
// invalid configs, cross-reference errors of the stored set).
#pragma once

#include <optional>
#include <ostream>
#include <string>

#include "swarmop/reconciler/store/spec_store.h"

namespace swarmop::cli {

// Which stored specs a command selects: all, one kind, or one kind and name.
struct SpecSelector {
  std::optional<crds::Kind> kind;
  std::string name;  // empty: every name
  bool Matches(crds::Kind k, const std::string& n) const;
};

// Parses "", "services", "service x", "service/x" (kind case-insensitive, singular or plural); exits 2 on an
// unknown kind.
SpecSelector ParseSelector(const std::string& kind_arg, const std::string& name_arg);

// KIND NAME HASH CONFIG AGE STATUS.
std::string SpecTable(const reconciler::StoreContents& contents, const SpecSelector& selector);

// Superseded and invalid configs and cross-reference errors; nothing when there are none.
void PrintStoreProblems(const reconciler::StoreContents& contents, std::ostream& out);

}  // namespace swarmop::cli
