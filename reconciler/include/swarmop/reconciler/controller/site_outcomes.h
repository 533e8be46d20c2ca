// SiteOutcomes: what each separate-swarm site's loop last concluded for each spec, so the spec's one status
// (written by the local reconciler) is not Converged while a site still starts its tasks, cannot be
// reached, or failed to apply. The site loops record; the local reconciler asks.
// Thread-safety: safe from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "swarmop/reconciler/core/reconciler.h"

namespace swarmop::reconciler {

class SiteOutcomes {
 public:
  // `outcome` "" = the key is converged at `site`; otherwise why not ("WaitingForTasks: ...").
  void Record(const std::string& site, const Request& key, std::string outcome);

  // "douala: WaitingForTasks: waiting for tasks: api-douala; yaounde: not reconciled yet" over `sites`
  // (the separate sites the key places services at); "" when every one of them is converged.
  std::string PendingAt(const Request& key, const std::vector<std::string>& sites) const;

  // Counts the Records that changed an outcome: while it stands still, PendingAt answers as before.
  uint64_t Generation() const;

 private:
  mutable std::mutex mu_;
  std::map<std::pair<std::string, Request>, std::string> outcomes_;
  uint64_t changes_ = 0;
};

}  // namespace swarmop::reconciler
