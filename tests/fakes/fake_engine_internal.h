// Private to tests/fakes: what fake_engine.cpp and fake_engine_objects.cpp share (the list filter, and the
// wrapper that takes the lock and plays a scripted fault around each call).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "fake_engine.h"

namespace swarmop::testing {
namespace fake_engine_internal {

inline bool MatchesLabels(const std::map<std::string, std::string>& labels,
                          const std::vector<std::string>& selectors) {
  for (const auto& selector : selectors) {
    auto eq = selector.find('=');
    auto it = labels.find(selector.substr(0, eq));
    if (it == labels.end()) return false;
    if (eq != std::string::npos && it->second != selector.substr(eq + 1)) return false;
  }
  return true;
}

inline bool Matches(const engine::ListFilter& filter, const std::string& name,
                    const std::map<std::string, std::string>& labels) {
  if (filter.name && *filter.name != name) return false;
  return MatchesLabels(labels, filter.labels);
}

}  // namespace fake_engine_internal

template <typename Call>
auto FakeEngine::Faulty(const std::string& verb, Call call) -> decltype(call()) {
  std::lock_guard<std::mutex> lock(mu_);
  std::optional<Fault> fault = TakeFault(verb);
  if (fault && !fault->after_effect) return fault->status;
  auto result = call();
  if (fault) return fault->status;
  return result;
}

}  // namespace swarmop::testing
