// SpecStatus: what the operator last concluded about one spec, as Kubernetes-style conditions
// (Ready / Progressing / Degraded, each with reason, message, observed spec hash and transition time).
// Users see it as labels on the spec's Swarm config (`docker config inspect`) and at /api/v1/status.
// Thread-safety: plain values and pure functions.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "swarmop/reconciler/core/clock.h"
#include "swarmop/reconciler/core/labels.h"
#include "swarmop/reconciler/core/reconciler.h"

namespace swarmop::reconciler {

inline constexpr const char* kConditionReady = "Ready";
inline constexpr const char* kConditionProgressing = "Progressing";
inline constexpr const char* kConditionDegraded = "Degraded";
// Present only while a site failover changes what the spec runs (watch mode): True, reason "Takeover".
inline constexpr const char* kConditionFailedOver = "FailedOver";

// Labels written on the spec's config: status_labels (core/labels.h). Messages are cut to
// kStatusMessageMax characters.
inline constexpr size_t kStatusMessageMax = 240;

struct Condition {
  std::string type;  // kConditionReady, ...
  bool status = false;
  std::string reason;  // CamelCase: Converged, Applied, InvalidSpec, ApplyFailed, EngineError
  std::string message;
  std::string observed_hash;
  Clock::WallTime last_transition{};
};

struct SpecStatus {
  Request key;
  std::string observed_hash;
  std::vector<Condition> conditions;  // Ready, Progressing, Degraded, in that order; then FailedOver if any

  const Condition* Find(std::string_view type) const;
  // The condition that explains the state: Degraded if true, else Progressing if true, else Ready.
  const Condition& Headline() const;
};

// Ready=True: the swarm matches the spec.
SpecStatus ConvergedStatus(const Request& key, const std::string& hash, const std::string& message,
                           Clock::WallTime now);
// Progressing=True: changes were just applied ("Applied") or tasks are still starting ("WaitingForTasks").
SpecStatus ProgressingStatus(const Request& key, const std::string& hash, const std::string& reason,
                             const std::string& message, Clock::WallTime now);
// Degraded=True: invalid spec, or apply failed; `reason` says which.
SpecStatus DegradedStatus(const Request& key, const std::string& hash, const std::string& reason,
                          const std::string& message, Clock::WallTime now);

// Adds FailedOver=True (reason "Takeover") with `message`: what the active failover does to this spec.
// Ready/Progressing/Degraded and the headline are unchanged: a takeover is the spec working as declared.
void AddFailoverCondition(SpecStatus& status, const std::string& message, Clock::WallTime now);

// Keeps `previous`'s transition times for conditions whose status did not change (so a re-reconcile of a
// converged spec produces the very same status, and the same labels).
void CarryTransitionTimes(const SpecStatus& previous, SpecStatus& next);

// The io.swarmop.status.* labels for `status`.
std::map<std::string, std::string> ToStatusLabels(const SpecStatus& status);
// True when the io.swarmop.status.* labels of `current` (a config's whole label map) differ from `wanted`,
// the time label aside.
bool StatusLabelsDiffer(const std::map<std::string, std::string>& current,
                        const std::map<std::string, std::string>& wanted);

// "2026-11-27T05:45:12Z".
std::string FormatRfc3339(Clock::WallTime time);

}  // namespace swarmop::reconciler
