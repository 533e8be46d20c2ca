#include "swarmop/reconciler/store/spec_status.h"

#include <ctime>

namespace swarmop::reconciler {
namespace {

Condition MakeCondition(const char* type, bool status, std::string reason, std::string message,
                        const std::string& hash, Clock::WallTime now) {
  return Condition{type, status, std::move(reason), std::move(message), hash, now};
}

SpecStatus MakeStatus(const Request& key, const std::string& hash, std::vector<Condition> conditions) {
  return SpecStatus{key, hash, std::move(conditions)};
}

const char* BoolText(bool value) { return value ? "True" : "False"; }

// Labels hold any UTF-8 but should stay readable in `docker config inspect`: one line, bounded length.
std::string LabelMessage(const std::string& message) {
  std::string flat;
  for (char c : message) flat += (c == '\n' || c == '\r') ? ' ' : c;
  if (flat.size() <= kStatusMessageMax) return flat;
  size_t cut = kStatusMessageMax - 3;
  while (cut > 0 && (static_cast<unsigned char>(flat[cut]) & 0xC0) == 0x80) --cut;  // not mid-character
  return flat.substr(0, cut) + "...";
}

}  // namespace

const Condition* SpecStatus::Find(std::string_view type) const {
  for (const Condition& c : conditions) {
    if (c.type == type) return &c;
  }
  return nullptr;
}

const Condition& SpecStatus::Headline() const {
  if (const Condition* d = Find(kConditionDegraded); d && d->status) return *d;
  if (const Condition* p = Find(kConditionProgressing); p && p->status) return *p;
  return *Find(kConditionReady);
}

SpecStatus ConvergedStatus(const Request& key, const std::string& hash, const std::string& message,
                           Clock::WallTime now) {
  return MakeStatus(key, hash,
                    {MakeCondition(kConditionReady, true, "Converged", message, hash, now),
                     MakeCondition(kConditionProgressing, false, "Converged", "", hash, now),
                     MakeCondition(kConditionDegraded, false, "Converged", "", hash, now)});
}

SpecStatus ProgressingStatus(const Request& key, const std::string& hash, const std::string& reason,
                             const std::string& message, Clock::WallTime now) {
  return MakeStatus(key, hash,
                    {MakeCondition(kConditionReady, false, reason, "", hash, now),
                     MakeCondition(kConditionProgressing, true, reason, message, hash, now),
                     MakeCondition(kConditionDegraded, false, reason, "", hash, now)});
}

SpecStatus DegradedStatus(const Request& key, const std::string& hash, const std::string& reason,
                          const std::string& message, Clock::WallTime now) {
  return MakeStatus(key, hash,
                    {MakeCondition(kConditionReady, false, reason, "", hash, now),
                     MakeCondition(kConditionProgressing, false, reason, "", hash, now),
                     MakeCondition(kConditionDegraded, true, reason, message, hash, now)});
}

void AddFailoverCondition(SpecStatus& status, const std::string& message, Clock::WallTime now) {
  status.conditions.push_back(
      MakeCondition(kConditionFailedOver, true, "Takeover", message, status.observed_hash, now));
}

void CarryTransitionTimes(const SpecStatus& previous, SpecStatus& next) {
  for (Condition& c : next.conditions) {
    const Condition* before = previous.Find(c.type);
    if (before && before->status == c.status) c.last_transition = before->last_transition;
  }
}

std::map<std::string, std::string> ToStatusLabels(const SpecStatus& status) {
  const Condition& headline = status.Headline();
  Clock::WallTime latest{};
  for (const Condition& c : status.conditions) latest = std::max(latest, c.last_transition);
  std::map<std::string, std::string> labels = {
      {status_labels::kReady, BoolText(status.Find(kConditionReady)->status)},
      {status_labels::kProgressing, BoolText(status.Find(kConditionProgressing)->status)},
      {status_labels::kDegraded, BoolText(status.Find(kConditionDegraded)->status)},
      {status_labels::kReason, headline.reason},
      {status_labels::kMessage, LabelMessage(headline.message)},
      {status_labels::kObservedHash, status.observed_hash},
      {status_labels::kTime, FormatRfc3339(latest)},
  };
  if (const Condition* failover = status.Find(kConditionFailedOver); failover && failover->status) {
    labels[status_labels::kFailedOver] = "True";
    labels[status_labels::kFailover] = LabelMessage(failover->message);
  }
  return labels;
}

bool StatusLabelsDiffer(const std::map<std::string, std::string>& current,
                        const std::map<std::string, std::string>& wanted) {
  // The time alone never justifies a write: after a restart the transition times are new, the state is not.
  auto status_only = [](const std::map<std::string, std::string>& labels) {
    std::map<std::string, std::string> out;
    for (const auto& [k, v] : labels) {
      if (k.rfind(status_labels::kPrefix, 0) == 0 && k != status_labels::kTime) out.emplace(k, v);
    }
    return out;
  };
  return status_only(current) != status_only(wanted);
}

std::string FormatRfc3339(Clock::WallTime time) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

}  // namespace swarmop::reconciler
