// Per-key exponential backoff: base, 2*base, 4*base, ... capped; a success resets the key.
// The work queue alone uses it to space out retries of a failing reconcile (controller-runtime's
// ItemExponentialFailureRateLimiter).
// Thread-safety: none; the work queue calls it under its own lock.
#pragma once

#include <chrono>
#include <map>

#include "swarmop/reconciler/core/reconciler.h"

namespace swarmop::reconciler {

struct BackoffPolicy {
  std::chrono::milliseconds base{200};
  std::chrono::milliseconds cap{60000};
};

class KeyBackoff {
 public:
  explicit KeyBackoff(BackoffPolicy policy = {}) : policy_(policy) {}

  // The delay before the next retry of `key`, counting this failure.
  std::chrono::milliseconds NextDelay(const Request& key);
  // Forgets the failures of `key` (after a success).
  void Reset(const Request& key) { failures_.erase(key); }
  int Failures(const Request& key) const;

 private:
  BackoffPolicy policy_;
  std::map<Request, int> failures_;
};

}  // namespace swarmop::reconciler
