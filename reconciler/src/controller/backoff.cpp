#include "swarmop/reconciler/controller/backoff.h"

#include <algorithm>

namespace swarmop::reconciler {

std::chrono::milliseconds KeyBackoff::NextDelay(const Request& key) {
  int exponent = failures_[key]++;
  // Stop doubling once past the cap so the shift never overflows.
  std::chrono::milliseconds delay = policy_.base;
  for (int i = 0; i < exponent && delay < policy_.cap; ++i) delay *= 2;
  return std::min(delay, policy_.cap);
}

int KeyBackoff::Failures(const Request& key) const {
  auto it = failures_.find(key);
  return it == failures_.end() ? 0 : it->second;
}

}  // namespace swarmop::reconciler
