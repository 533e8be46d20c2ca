#include "swarmop/reconciler/sites/failover.h"

namespace swarmop::reconciler {
namespace {

std::string Seconds(std::chrono::milliseconds d) {
  auto ms = d.count();
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

}  // namespace

const char* FailoverEventName(FailoverEventKind kind) {
  switch (kind) {
    case FailoverEventKind::kFailoverStarted:
      return "FailoverStarted";
    case FailoverEventKind::kFailbackStarted:
      return "FailbackStarted";
  }
  return "?";
}

FailoverMachine::FailoverMachine(std::string site, std::string partner, FailoverTiming timing)
    : site_(std::move(site)), partner_(std::move(partner)), timing_(timing) {}

std::optional<FailoverEvent> FailoverMachine::Observe(SiteHealthState health, Clock::TimePoint now) {
  return failed_over_ ? WhileFailedOver(health, now) : WhileNormal(health, now);
}

// Only Unreachable counts as an outage: a Degraded site still runs what it can and keeps its load.
std::optional<FailoverEvent> FailoverMachine::WhileNormal(SiteHealthState health, Clock::TimePoint now) {
  if (health != SiteHealthState::kUnreachable) {
    unreachable_since_.reset();  // a bounce shorter than the grace period is forgotten
    return std::nullopt;
  }
  if (!unreachable_since_) unreachable_since_ = now;
  auto dark_for = std::chrono::duration_cast<std::chrono::milliseconds>(now - *unreachable_since_);
  if (dark_for < timing_.grace) return std::nullopt;
  failed_over_ = true;
  unreachable_since_.reset();
  ready_since_.reset();
  return Event(FailoverEventKind::kFailoverStarted, now, dark_for);
}

// Only Ready ends a failover: a Degraded site is back but not well, so the partner keeps the load.
std::optional<FailoverEvent> FailoverMachine::WhileFailedOver(SiteHealthState health, Clock::TimePoint now) {
  if (health != SiteHealthState::kReady) {
    ready_since_.reset();  // a relapse restarts the hold-down
    return std::nullopt;
  }
  if (!ready_since_) ready_since_ = now;
  auto ready_for = std::chrono::duration_cast<std::chrono::milliseconds>(now - *ready_since_);
  if (ready_for < timing_.hold_down) return std::nullopt;
  failed_over_ = false;
  ready_since_.reset();
  return Event(FailoverEventKind::kFailbackStarted, now, ready_for);
}

FailoverEvent FailoverMachine::Event(FailoverEventKind kind, Clock::TimePoint now,
                                     std::chrono::milliseconds held) const {
  FailoverEvent event{kind, site_, partner_, now, ""};
  if (kind == FailoverEventKind::kFailoverStarted) {
    event.message =
        "FailoverStarted: " + partner_ + " takes over " + site_ + " (Unreachable for " + Seconds(held) + ")";
  } else {
    event.message = "FailbackStarted: " + site_ + " takes its load back from " + partner_ + " (Ready for " +
                    Seconds(held) + ")";
  }
  return event;
}

}  // namespace swarmop::reconciler
