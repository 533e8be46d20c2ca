#include "swarmop/reconciler/sites/site_monitor.h"

#include <map>
#include <set>

namespace swarmop::reconciler {
namespace {

bool SameEndpoints(const std::vector<SiteEndpoint>& a, const std::vector<SiteEndpoint>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].site != b[i].site || a[i].endpoint.ToString() != b[i].endpoint.ToString()) return false;
  }
  return true;
}

bool HasStretchedSite(const crds::DesiredState& desired) {
  for (const crds::Site& site : desired.sites) {
    if (!site.spec.node_selector.empty()) return true;
  }
  return false;
}

}  // namespace

SiteMonitor::SiteMonitor(engine::Engine& local, DesiredSource desired, SiteMonitorOptions options,
                         EventSink on_event, const Clock& clock)
    : local_(local),
      desired_(std::move(desired)),
      options_(std::move(options)),
      on_event_(std::move(on_event)),
      clock_(clock),
      health_(clock),
      failover_(options_.failover) {}

SiteMonitor::~SiteMonitor() { Stop(); }

Status SiteMonitor::Tick() {
  auto desired = desired_();
  if (!desired.ok()) return desired.status().WithContext("site monitor: reading specs");
  ForgetRemovedSites(*desired);
  std::map<std::string, SiteHealthState> before;
  for (const SiteHealth& health : health_.All()) before[health.site] = health.reading.state;

  std::optional<ManagerPlacement> placement;
  if (HasStretchedSite(*desired)) {
    auto nodes = local_.ListNodes({});
    if (nodes.ok()) {
      ObserveStretched(*desired, *nodes);
      placement = CheckManagerPlacement(*desired, *nodes);
    }
  }
  ObserveSeparate(*desired);

  Record(failover_.Update(*desired, health_.All(), clock_.Now()));
  {
    std::lock_guard<std::mutex> lock(mu_);
    snapshot_.active = failover_.Active();
    snapshot_.placement = std::move(placement);
  }
  if (options_.on_health_change) {
    for (const SiteHealth& health : health_.All()) {
      auto was = before.find(health.site);
      if (was == before.end() || was->second != health.reading.state) options_.on_health_change(health.site);
    }
  }
  return Status::Ok();
}

void SiteMonitor::ObserveStretched(const crds::DesiredState& desired,
                                   const std::vector<engine::Node>& nodes) {
  for (const crds::Site& site : desired.sites) {
    if (site.spec.node_selector.empty()) continue;
    health_.Observe(site.name(), EvaluateStretchedSite(site.spec.node_selector, nodes));
  }
}

// Rebuilds the connections only when the separate sites' endpoints change, then probes them all at once.
void SiteMonitor::ObserveSeparate(const crds::DesiredState& desired) {
  std::vector<SiteEndpoint> endpoints;
  for (const crds::Site& site : desired.sites) {
    if (!site.spec.engine) continue;
    auto endpoint = SiteEndpointFor(site, options_.engines);
    if (endpoint.ok()) {
      endpoints.push_back(std::move(endpoint).value());
    } else {
      health_.Observe(site.name(), {SiteHealthState::kUnreachable, endpoint.status().ToString(), 0, 0});
    }
  }
  if (!engines_ || !SameEndpoints(endpoints, engine_endpoints_)) {
    engines_ = std::make_unique<SiteEngines>(endpoints, options_.connect, clock_);
    engine_endpoints_ = endpoints;
  }
  for (const SiteProbe& probe : engines_->ProbeAll()) {
    health_.Observe(probe.site, EvaluateSeparateSite(probe.status));
  }
}

void SiteMonitor::ForgetRemovedSites(const crds::DesiredState& desired) {
  std::set<std::string> wanted;
  for (const crds::Site& site : desired.sites) wanted.insert(site.name());
  for (const SiteHealth& health : health_.All()) {
    if (!wanted.count(health.site)) health_.Forget(health.site);
  }
}

void SiteMonitor::Record(const std::vector<FailoverEvent>& events) {
  for (const FailoverEvent& event : events) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (event.kind == FailoverEventKind::kFailoverStarted) ++snapshot_.failovers;
      if (event.kind == FailoverEventKind::kFailbackStarted) ++snapshot_.failbacks;
      snapshot_.recent_events.push_back(event);
      while (snapshot_.recent_events.size() > options_.recent_events) snapshot_.recent_events.pop_front();
    }
    if (on_event_) on_event_(event);
  }
}

SiteSnapshot SiteMonitor::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  SiteSnapshot out = snapshot_;
  out.health = health_.All();
  return out;
}

std::vector<ActiveFailover> SiteMonitor::Active() const {
  std::lock_guard<std::mutex> lock(mu_);
  return snapshot_.active;
}

void SiteMonitor::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void SiteMonitor::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void SiteMonitor::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    lock.unlock();
    (void)Tick();  // a failed read of the specs is retried next round
    lock.lock();
    Clock::TimePoint next = clock_.Now() + options_.interval;
    while (!stopping_ && clock_.Now() < next) clock_.WaitUntil(cv_, lock, next);
  }
}

}  // namespace swarmop::reconciler
