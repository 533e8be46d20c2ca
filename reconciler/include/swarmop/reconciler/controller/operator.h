// Operator: watch mode assembled: the spec store and its cache, the EstateReconciler, the Controller
// (queue, workers, events, resync), status and metrics, the SiteMonitor (site health and failover: its
// active failovers are applied to the desired state before every plan), one reconcile loop per
// separate-swarm site (SiteReconcilers: its own connection, queue and workers), and the HTTP surface.
// `swarmop run` is this plus signal handling; integration tests run it in-process. Thread-safety: Start/Stop
// from one thread; accessors from any thread.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "swarmop/base/status.h"
#include "swarmop/crds/load.h"
#include "swarmop/engine/counting_engine.h"
#include "swarmop/engine/engine.h"
#include "swarmop/reconciler/controller/controller.h"
#include "swarmop/reconciler/controller/estate_reconciler.h"
#include "swarmop/reconciler/controller/metrics.h"
#include "swarmop/reconciler/controller/site_reconcilers.h"
#include "swarmop/reconciler/controller/status_reporter.h"
#include "swarmop/reconciler/gitops/git_source.h"
#include "swarmop/reconciler/http/http_server.h"
#include "swarmop/reconciler/sites/site_monitor.h"

namespace swarmop::reconciler {

struct OperatorOptions {
  std::string listen = "127.0.0.1:8080";  // empty: no HTTP surface
  HttpServerOptions http;                 // token, TLS, limits (its `listen` is replaced by the one above)
  ControllerOptions controller;
  EstateReconcilerOptions reconcile;  // adjust_desired is the operator's own (failover)
  SiteMonitorOptions sites;           // also the separate sites' loops: interval, connection timeouts, TLS
  crds::LoadOptions load;             // environment overrides for hand-made specs
  // Pull mode (git_source.h): specs from a git repository, stored by the operator itself. Absent: off.
  std::optional<GitSourceOptions> git;
  // With `git`: POST /hooks/gitlab fetches at once when X-Gitlab-Token equals this file's first line.
  std::string gitlab_webhook_token_file;
  // With `git`: set the applied commits' status on GitLab (gitlab_commit_status.h). Absent: off.
  std::optional<GitlabCommitStatusOptions> gitlab_status;
};

class Operator {
 public:
  // Borrows `engine` (it must outlive the operator); every call goes through a CountingEngine over it.
  // Fails when the listen address cannot be bound; the controller is then not started.
  static StatusOr<std::unique_ptr<Operator>> Start(engine::Engine& engine, OperatorOptions options);
  ~Operator();

  // Stops the site monitor, the controller (in-flight reconciles finish), then the HTTP listener.
  // Idempotent.
  void Stop();

  Controller& controller();
  StatusReporter& status();
  Metrics& metrics();
  SiteMonitor& sites();
  SiteReconcilers& site_reconcilers();
  engine::CountingEngine& engine();
  GitSync* git();  // null without pull mode

 private:
  struct Parts;
  static Status StartGitSource(Parts& parts, const OperatorOptions& options, HttpServerOptions& http);
  explicit Operator(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace swarmop::reconciler
