// StatusReporter: publishes each spec's SpecStatus: kept in memory (for /api/v1/status) and written as
// io.swarmop.status.* labels on the config users look at, only when those labels change, so a converged
// estate makes no writes at all. Each write is announced to OwnWrites first, so its config event is not
// mistaken for a user's change.
// Thread-safety: safe from any thread (one reconcile per key at a time, several keys at once).
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "swarmop/base/status.h"
#include "swarmop/engine/engine.h"
#include "swarmop/reconciler/controller/own_writes.h"
#include "swarmop/reconciler/store/spec_status.h"
#include "swarmop/reconciler/store/spec_store.h"

namespace swarmop::reconciler {

// Where a spec's status labels go.
struct StatusTarget {
  std::string config_id;
  std::string config_name;
  std::map<std::string, std::string> current_labels;  // as last read
  bool stored_winner = true;                          // the key's winning config: written directly, through
                              // SpecStore::SetStatusLabels if it is gone; otherwise (an invalid config)
                              // its labels are updated directly
};

class StatusReporter {
 public:
  // Borrows everything; they must outlive this object.
  StatusReporter(SpecStore& store, engine::Engine& engine, OwnWrites& own_writes);

  // Records `status` (carrying transition times over from the last one) and writes its labels to `target`
  // when they differ. A failed write is returned; the in-memory status is kept either way.
  Status Publish(SpecStatus status, const std::optional<StatusTarget>& target);
  // The spec is gone: forget it.
  void Forget(const Request& key);

  std::optional<SpecStatus> Get(const Request& key) const;
  std::vector<SpecStatus> All() const;  // sorted by key
  uint64_t LabelWrites() const;

 private:
  Status WriteLabels(const Request& key, const StatusTarget& target,
                     const std::map<std::string, std::string>& wanted);
  Status WriteOnConfig(const StatusTarget& target, const std::map<std::string, std::string>& wanted);

  SpecStore& store_;
  engine::Engine& engine_;
  OwnWrites& own_writes_;
  mutable std::mutex mu_;
  std::map<Request, SpecStatus> statuses_;
  std::map<std::string, std::map<std::string, std::string>> written_;  // config id -> labels we wrote
  std::map<Request, std::string> current_on_;  // key -> config whose labels hold the key's status as it is
  uint64_t label_writes_ = 0;
};

}  // namespace swarmop::reconciler
