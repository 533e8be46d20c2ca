// Waiting for something to get somewhere (a real swarm, a controller's worker threads): poll a condition
// until it holds or a deadline passes. Test-only; the one copy every test target uses.
#pragma once

#include <chrono>
#include <functional>
#include <thread>

namespace swarmop::testsupport {

// Polls `condition` every `every` until it returns true (true) or `limit` has passed; looks once more at the
// deadline, so a condition that became true while sleeping still counts.
inline bool Eventually(const std::function<bool()>& condition,
                       std::chrono::milliseconds limit = std::chrono::seconds(60),
                       std::chrono::milliseconds every = std::chrono::milliseconds(100)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(every);
  }
  return condition();
}

}  // namespace swarmop::testsupport
