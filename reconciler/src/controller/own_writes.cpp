#include "swarmop/reconciler/controller/own_writes.h"

namespace swarmop::reconciler {

void OwnWrites::Record(const std::string& config_name) {
  std::lock_guard<std::mutex> lock(mu_);
  pending_.emplace(config_name, clock_.Now());
}

bool OwnWrites::Consume(const std::string& config_name) {
  std::lock_guard<std::mutex> lock(mu_);
  Clock::TimePoint oldest_valid = clock_.Now() - window_;
  for (auto it = pending_.begin(); it != pending_.end();) {
    it = it->second < oldest_valid ? pending_.erase(it)
                                   : std::next(it);  // forget writes whose event never came
  }
  auto it = pending_.find(config_name);
  if (it == pending_.end()) return false;
  pending_.erase(it);
  return true;
}

}  // namespace swarmop::reconciler
