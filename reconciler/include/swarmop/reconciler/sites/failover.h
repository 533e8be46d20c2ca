// Failover between partner sites (Site.spec.failover): when a site stays Unreachable longer than a grace
// period its partner takes over its load; when it is back and Ready for a hold-down period, the load goes
// back. A link that bounces does nothing: an outage shorter than the grace period is forgotten, and a
// recovery must hold for the whole hold-down period (any relapse restarts it).
//
// FailoverMachine is one (site, partner) pair; FailoverTracker keeps one per Site that names a partner and
// feeds them the sites' health. Both are pure over the times they are given (steady clock), so tests drive
// them with plain time points. ApplyFailover turns the active failovers into replica changes on the
// DesiredState before it is rendered.
// Thread-safety: plain values; FailoverTracker is not synchronised (one reconcile loop owns it).
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "swarmop/crds/model.h"
#include "swarmop/reconciler/core/clock.h"
#include "swarmop/reconciler/sites/site_health.h"

namespace swarmop::reconciler {

struct FailoverTiming {
  // A site must stay Unreachable this long before its partner takes over (longer than Swarm's ~12 s node
  // down detection plus a link bounce or two).
  std::chrono::milliseconds grace{std::chrono::seconds(60)};
  // A failed-over site must stay Ready this long before its load goes back.
  std::chrono::milliseconds hold_down{std::chrono::minutes(2)};
};

enum class FailoverEventKind { kFailoverStarted, kFailbackStarted };
// "FailoverStarted", "FailbackStarted".
const char* FailoverEventName(FailoverEventKind kind);

struct FailoverEvent {
  FailoverEventKind kind = FailoverEventKind::kFailoverStarted;
  std::string site;     // the site that went dark (or came back)
  std::string partner;  // the site that takes (or gives back) its load
  Clock::TimePoint at{};
  // "FailoverStarted: yaounde takes over douala (Unreachable for 60s)".
  std::string message;
  bool operator==(const FailoverEvent&) const = default;
};

class FailoverMachine {
 public:
  FailoverMachine(std::string site, std::string partner, FailoverTiming timing);

  // Feeds the site's health as seen at `now`. Returns an event when this observation starts a failover
  // or a failback. Observations must come in time order; gaps between them are fine.
  std::optional<FailoverEvent> Observe(SiteHealthState health, Clock::TimePoint now);

  bool failed_over() const { return failed_over_; }
  const std::string& site() const { return site_; }
  const std::string& partner() const { return partner_; }

 private:
  std::optional<FailoverEvent> WhileNormal(SiteHealthState health, Clock::TimePoint now);
  std::optional<FailoverEvent> WhileFailedOver(SiteHealthState health, Clock::TimePoint now);
  FailoverEvent Event(FailoverEventKind kind, Clock::TimePoint now, std::chrono::milliseconds held) const;

  std::string site_;
  std::string partner_;
  FailoverTiming timing_;
  bool failed_over_ = false;
  std::optional<Clock::TimePoint> unreachable_since_;  // while normal: start of the current outage
  std::optional<Clock::TimePoint> ready_since_;        // while failed over: start of the current recovery
};

// A site whose load its partner carries now.
struct ActiveFailover {
  std::string site;
  std::string partner;
  bool operator==(const ActiveFailover&) const = default;
};

class FailoverTracker {
 public:
  explicit FailoverTracker(FailoverTiming timing = {});

  // One machine per Site of `desired` that names a partner; `health` holds the latest health of each site
  // (sites without one are not judged this time). Machines of sites gone from the specs, or whose partner
  // changed, are dropped: their failover simply ends. Returns the events of this update, by site.
  std::vector<FailoverEvent> Update(const crds::DesiredState& desired, const std::vector<SiteHealth>& health,
                                    Clock::TimePoint now);
  std::vector<ActiveFailover> Active() const;  // sorted by site

 private:
  FailoverTiming timing_;
  std::map<std::string, FailoverMachine> machines_;  // by site
};

// What a failover changed for one Service.
struct FailoverEffect {
  std::string service;
  std::string site;     // dark site; its own Swarm service keeps its replicas (never removed: no data loss)
  std::string partner;  // takes them over
  int added_replicas = 0;
  int partner_replicas = 0;  // at the partner, after the change
  // "api: yaounde runs douala's 2 replicas too (2 -> 4)".
  std::string ToString() const;
};

struct FailoverAdjustment {
  crds::DesiredState desired;           // the input with partner replicas raised
  std::vector<FailoverEffect> effects;  // one per (Service, failover) changed: conditions go on these specs
  std::vector<std::string> notes;       // takeovers that could not happen, and why
};

// For every Service with failover: takeover placed at a dark site, the partner site's replicas grow by the
// dark site's replicas. failover: stay Services are unchanged; the dark site's own replicas are left as
// they are. No takeover when the Service is not placed at the partner, or when the partner is dark too.
FailoverAdjustment ApplyFailover(const crds::DesiredState& desired,
                                 const std::vector<ActiveFailover>& active);

}  // namespace swarmop::reconciler
