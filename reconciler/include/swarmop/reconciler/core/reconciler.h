// The reconcile contract (controller-runtime style): a Request carries a key, never the object; the
// reconciler reads the world itself, so running it twice changes nothing the second time. Only the work
// queue decides retries and backoff.
// Thread-safety: implementations must tolerate concurrent calls for different keys; the queue never runs
// two calls for the same key at once.
#pragma once

#include <chrono>
#include <compare>
#include <string>

#include "swarmop/base/status.h"

namespace swarmop::reconciler {

struct Request {
  std::string kind;  // "Site", "Service", "Replication"
  std::string name;  // metadata.name
  auto operator<=>(const Request&) const = default;
  std::string ToString() const { return kind + "/" + name; }
};

struct Result {
  // > 0: reconcile this key again after this delay even if nothing happens (e.g. still converging).
  std::chrono::milliseconds requeue_after{0};
  // The key was found as it was last left, converged, and nothing was planned (swarmop_reconcile_total
  // counts these as result="steady").
  bool steady = false;
};

class Reconciler {
 public:
  virtual ~Reconciler() = default;
  // An error means "retry with backoff"; a spec that is wrong is not an error here: it is reported in its
  // status and Reconcile returns ok.
  virtual StatusOr<Result> Reconcile(const Request& request) = 0;
};

}  // namespace swarmop::reconciler
