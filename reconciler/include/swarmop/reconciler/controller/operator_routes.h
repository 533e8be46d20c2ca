// The operator's HTTP routes: /healthz (the process runs), /readyz (first full reconcile done and the
// engine answers), /metrics (Prometheus text), /api/v1/status (JSON: each spec's conditions, queue depth,
// last resync, and each site's health and failover when a SiteMonitor is given).
// Thread-safety: handlers only call thread-safe accessors.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "swarmop/engine/counting_engine.h"
#include "swarmop/reconciler/controller/controller.h"
#include "swarmop/reconciler/controller/metrics.h"
#include "swarmop/reconciler/controller/site_reconcilers.h"
#include "swarmop/reconciler/controller/status_reporter.h"
#include "swarmop/reconciler/gitops/git_source.h"
#include "swarmop/reconciler/http/http_server.h"
#include "swarmop/reconciler/sites/site_monitor.h"
#include "swarmop/reconciler/store/spec_status.h"

namespace swarmop::reconciler {

struct OperatorParts {
  Controller& controller;
  StatusReporter& status;
  Metrics& metrics;
  engine::CountingEngine* counting = nullptr;  // engine call counts for /metrics; optional
  const SiteMonitor* sites = nullptr;          // site lines in /metrics and "sites" in the status; optional
  SiteReconcilers* site_loops = nullptr;       // site loop lines in /metrics, "siteReconcilers"; optional
  const GitSync* git = nullptr;                // pull mode: "git" in the status; optional
};

HttpRoutes OperatorRoutes(OperatorParts parts);

struct StatusDocument {
  std::vector<SpecStatus> specs;
  size_t queue_depth = 0;
  std::optional<Clock::WallTime> last_resync;
  bool ready = false;
  bool engine_reachable = false;
  std::optional<SiteSnapshot> sites;                 // absent: no "sites" fields
  std::vector<SiteReconcileState> site_reconcilers;  // empty: no "siteReconcilers"
  std::optional<GitSourceState> git;                 // absent: no "git" (pull mode off)
};

// {"ready":true,"engineReachable":true,"queueDepth":0,"lastResync":"2026-...Z",
//  "specs":[{"kind":"Service","name":"api","observedHash":"...","conditions":[{"type":"Ready",
//  "status":"True","reason":"Converged","message":"...","lastTransitionTime":"..."}]}],
//  "sites":[{"name":"douala","health":"Unreachable","reason":"...","lastTransitionTime":"...",
//            "failover":{"active":true,"partner":"yaounde"}}],          (partner: only while active)
//  "failovers":1,"failbacks":0,"placementWarnings":["..."],             (with a SiteSnapshot only)
//  "siteReconcilers":[{"site":"douala","endpoint":"tcp://...","ready":true,"engineReachable":true,
//                      "queueDepth":0,"resyncs":3}],                     (separate-swarm sites' loops)
//  "git":{"url":..,"appliedRevision":"<40 hex>","failedRevision":..,...}}   (pull mode: git_source.h)
std::string ToJson(const StatusDocument& document);

// What a --leader-elect follower answers on /api/v1/status: {"leading":false,"holder":"<holder>"}.
std::string FollowerStatusJson(const std::string& holder);

}  // namespace swarmop::reconciler
