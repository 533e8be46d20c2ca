#include "swarmop/reconciler/controller/operator.h"

#include <glog/logging.h>

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "swarmop/reconciler/controller/key_lister.h"
#include "swarmop/reconciler/controller/operator_routes.h"
#include "swarmop/reconciler/controller/own_writes.h"
#include "swarmop/reconciler/controller/site_reconcilers.h"
#include "swarmop/reconciler/controller/spec_cache.h"
#include "swarmop/reconciler/gitops/gitlab_webhook.h"
#include "swarmop/reconciler/http/http_request.h"
#include "swarmop/reconciler/http/http_server.h"
#include "swarmop/reconciler/sites/failover.h"
#include "swarmop/reconciler/store/spec_store.h"

namespace swarmop::reconciler {
namespace {

// Applies the active failovers to the desired state. Every worker calls it on every reconcile, so what the
// failovers change is logged once per change, not once per call. It remembers, per spec, what the last
// adjustment did: the FailedOver condition of the affected Services and of the dark Sites.
class FailoverAdjuster {
 public:
  explicit FailoverAdjuster(const SiteMonitor& sites) : sites_(sites) {}

  // nullopt while no failover is active: ApplyFailover would answer a copy of `desired`, with no effect and
  // no note.
  std::optional<crds::DesiredState> Adjust(const crds::DesiredState& desired) {
    std::vector<ActiveFailover> active = sites_.Active();
    if (active.empty()) {
      FailoverAdjustment none;
      LogIfChanged(none);
      RememberEffects(none);
      return std::nullopt;
    }
    FailoverAdjustment adjusted = ApplyFailover(desired, active);
    LogIfChanged(adjusted);
    RememberEffects(adjusted);
    return std::move(adjusted.desired);
  }

  // "" when no failover touches the spec.
  std::string EffectOn(const Request& key) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = effects_.find(key);
    return it == effects_.end() ? "" : it->second;
  }

 private:
  void RememberEffects(const FailoverAdjustment& adjusted) {
    std::map<Request, std::string> effects;
    auto add = [&effects](const Request& key, const std::string& text) {
      std::string& line = effects[key];
      line += (line.empty() ? "" : "; ") + text;
    };
    for (const FailoverEffect& effect : adjusted.effects) {
      add(Request{"Service", effect.service}, effect.ToString());
      add(Request{"Site", effect.site}, effect.ToString());
    }
    std::lock_guard<std::mutex> lock(mu_);
    effects_ = std::move(effects);
  }

  void LogIfChanged(const FailoverAdjustment& adjusted) {
    std::vector<std::string> lines;
    for (const FailoverEffect& effect : adjusted.effects) lines.push_back(effect.ToString());
    for (const std::string& note : adjusted.notes) lines.push_back(note);
    std::lock_guard<std::mutex> lock(mu_);
    if (lines == logged_) return;
    for (const std::string& line : lines) LOG(WARNING) << "failover in effect: " << line;
    if (lines.empty()) LOG(INFO) << "failover: no takeover in effect any more";
    logged_ = std::move(lines);
  }

  const SiteMonitor& sites_;
  std::mutex mu_;
  std::vector<std::string> logged_;
  std::map<Request, std::string> effects_;
};

}  // namespace

// Declaration order is construction order: each part borrows the ones above it.
struct Operator::Parts {
  Parts(engine::Engine& inner, const OperatorOptions& options)
      : counting(&inner),
        store(counting, SpecStoreOptions{options.load}),
        // Reloaded at each resync (which every config event other than our own status writes asks for).
        // Each resync loads the specs from its own config listing (Refresh); the time to live only
        // matters when resyncs fail.
        specs([this] { return store.Load(); }, SystemClock(), 2 * options.controller.resync,
              [this](const std::vector<engine::Config>& configs) { return store.LoadFrom(configs); }),
        last_good(specs),
        status(store, counting, own_writes),
        reconciler(counting, specs, status, &metrics, SystemClock(),
                   WithDependants(Wired(options.reconcile, &actual))),
        keys(counting, specs, &actual),
        controller(counting, reconciler, keys, own_writes, &metrics, WithCache(options.controller)),
        sites(
            counting, [this] { return Desired(); }, WithHealthChanges(options.sites),
            [this](const FailoverEvent& event) { OnFailoverEvent(event); }),
        adjuster(sites),
        site_loops(last_good, status,
                   {options.sites.interval, options.controller, Wired(options.reconcile),
                    options.sites.engines, options.sites.connect}) {}

  // The hooks every reconciler (local and per separate site) gets: the active failovers, and the separate
  // sites' outcomes. The reconcilers call them only once the loops run, after every part is built.
  EstateReconcilerOptions Wired(EstateReconcilerOptions options, ActualCache* cache = nullptr) {
    options.cache = cache;
    options.site_outcomes = &site_outcomes;
    options.site_down = [this](const std::string& site) { return SiteDown(site); };
    options.adjust_desired = [this](const crds::DesiredState& desired) { return adjuster.Adjust(desired); };
    options.adjust_key = [this] {
      std::string key;
      for (const ActiveFailover& failover : sites.Active())
        key += failover.site + ">" + failover.partner + ";";
      return key;
    };
    options.failover_of = [this](const Request& key) { return adjuster.EffectOn(key); };
    return options;
  }

  // A changed spec marks the profile Services that derive from it (EstateReconcilerOptions::enqueue). The
  // local reconciler only: the separate sites' loops resync on their own.
  EstateReconcilerOptions WithDependants(EstateReconcilerOptions options) {
    options.enqueue = [this](const Request& key) { controller.Mark(key); };
    return options;
  }

  ControllerOptions WithCache(ControllerOptions options) {
    options.cache = &actual;
    return options;
  }

  // A site's health changed: its Site spec's status says so (site_down) now, not at the next resync.
  SiteMonitorOptions WithHealthChanges(SiteMonitorOptions options) {
    options.on_health_change = [this](const std::string& site) { controller.Mark(Request{"Site", site}); };
    return options;
  }

  // {"SiteUnreachable" | "SiteDegraded", the monitor's reason} while the site is not Ready.
  std::pair<std::string, std::string> SiteDown(const std::string& site) const {
    for (const SiteHealth& health : sites.Snapshot().health) {
      if (health.site != site) continue;
      switch (health.reading.state) {
        case SiteHealthState::kUnreachable:
          return {"SiteUnreachable", "site " + site + " is Unreachable: " + health.reading.reason};
        case SiteHealthState::kDegraded:
          return {"SiteDegraded", "site " + site + " is Degraded: " + health.reading.reason};
        default:
          return {};
      }
    }
    return {};
  }

  // The monitor keeps judging the separate sites while the specs' swarm is dark (last specs loaded). It reads
  // the Sites only (health, quorum, failover pairs): a copy of every Service at each tick would cost the
  // size of the estate every --site-interval.
  StatusOr<crds::DesiredState> Desired() {
    auto contents = last_good.Get();
    if (!contents.ok()) return contents.status();
    crds::DesiredState sites;
    sites.sites = (*contents)->state.sites;
    return sites;
  }

  // A failover or failback changes what every takeover Service should run: look at every key again now
  // rather than at the next resync.
  void OnFailoverEvent(const FailoverEvent& event) {
    LOG(WARNING) << event.message;
    controller.RequestResync();
    site_loops.RequestResync();
  }

  engine::CountingEngine counting;
  ActualCache actual;  // the actual state of the local swarm, read by every key's reconcile
  SpecStore store;
  SpecCache specs;
  LastGoodSpecs last_good;
  OwnWrites own_writes;
  Metrics metrics;
  SiteOutcomes site_outcomes;
  StatusReporter status;
  EstateReconciler reconciler;
  EstateKeyLister keys;
  Controller controller;
  SiteMonitor sites;  // after the controller: its events reach the controller, and it is destroyed first
  FailoverAdjuster adjuster;
  SiteReconcilers site_loops;  // one loop per separate-swarm site
  // Pull mode: its own store over the same engine (the controller's cache sees its configs by events).
  std::unique_ptr<GitFetcher> git_fetcher;
  std::unique_ptr<CommitStatusSink> commit_status;
  std::unique_ptr<GitSync> git_sync;
  std::unique_ptr<GitSourceLoop> git_loop;
  std::unique_ptr<HttpServer> http;
  bool stopped = false;
};

// Pull mode's parts, and its webhook route when a token file is given.
Status Operator::StartGitSource(Parts& parts, const OperatorOptions& options, HttpServerOptions& http) {
  if (!options.git) {
    if (!options.gitlab_webhook_token_file.empty() || options.gitlab_status)
      return InvalidArgumentError("--gitlab-webhook-token-file and --gitlab-api-url need --git-url");
    return Status::Ok();
  }
  auto fetcher = NewLibgit2Fetcher(*options.git);
  if (!fetcher.ok()) return fetcher.status();
  parts.git_fetcher = std::move(fetcher).value();
  parts.git_sync = std::make_unique<GitSync>(parts.store, *parts.git_fetcher, *options.git, SystemClock());
  if (options.gitlab_status) {
    auto sink = NewGitlabCommitStatus(*options.gitlab_status);
    if (!sink.ok()) return sink.status();
    parts.commit_status = std::move(sink).value();
    parts.git_sync->SetCommitStatus(parts.commit_status.get());
  }
  parts.git_loop = std::make_unique<GitSourceLoop>(*parts.git_sync, *options.git);
  // Stored specs are config events for the controller too; a resync now makes them converge at once.
  parts.git_loop->OnSynced([&parts](const Status& status) {
    if (status.ok()) parts.controller.RequestResync();
  });
  if (!options.gitlab_webhook_token_file.empty()) {
    auto secret = ReadBearerTokenFile(options.gitlab_webhook_token_file);
    if (!secret.ok()) return secret.status().WithContext("--gitlab-webhook-token-file");
    GitlabWebhookOptions webhook{*secret, FullRefName(options.git->ref)};
    GitSourceLoop* loop = parts.git_loop.get();
    http.post_routes["/hooks/gitlab"] = [webhook, loop](const HttpPostRequest& request) {
      return AnswerGitlabWebhook(webhook, request, [loop] { loop->Trigger(); });
    };
  }
  return Status::Ok();
}

StatusOr<std::unique_ptr<Operator>> Operator::Start(engine::Engine& engine, OperatorOptions options) {
  auto parts = std::make_unique<Parts>(engine, options);
  HttpServerOptions http_options = options.http;
  SWARMOP_RETURN_IF_ERROR(StartGitSource(*parts, options, http_options));
  if (!options.listen.empty()) {
    http_options.listen = options.listen;
    auto http = StartHttpServer(
        http_options, OperatorRoutes({parts->controller, parts->status, parts->metrics, &parts->counting,
                                      &parts->sites, &parts->site_loops, parts->git_sync.get()}));
    if (!http.ok()) return http.status();
    parts->http = std::move(http).value();
    LOG(INFO) << "serving /healthz /readyz /metrics /api/v1/status on " << parts->http->Address() << " ("
              << DescribeAccess(http_options.access) << ")";
  }
  parts->metrics.SetLeading(true);  // an Operator runs only where it reconciles (run_command.cpp)
  parts->controller.Start();
  parts->sites.Start();
  parts->site_loops.Start();
  if (parts->git_loop) {
    parts->git_loop->Start();
    LOG(INFO) << "pull mode: " << options.git->url << " " << FullRefName(options.git->ref) << " path "
              << (options.git->path.empty() ? "/" : options.git->path) << " every "
              << options.git->interval.count() << " ms"
              << (http_options.post_routes.count("/hooks/gitlab") ? ", webhook POST /hooks/gitlab" : "");
  }
  return std::unique_ptr<Operator>(new Operator(std::move(parts)));
}

Operator::Operator(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

Operator::~Operator() { Stop(); }

void Operator::Stop() {
  if (parts_->stopped) return;
  parts_->stopped = true;
  if (parts_->git_loop) parts_->git_loop->Stop();
  parts_->sites.Stop();
  parts_->site_loops.Stop();
  parts_->controller.Stop();
  if (parts_->http) parts_->http->Stop();
}

Controller& Operator::controller() { return parts_->controller; }
StatusReporter& Operator::status() { return parts_->status; }
Metrics& Operator::metrics() { return parts_->metrics; }
SiteMonitor& Operator::sites() { return parts_->sites; }
SiteReconcilers& Operator::site_reconcilers() { return parts_->site_loops; }
engine::CountingEngine& Operator::engine() { return parts_->counting; }
GitSync* Operator::git() { return parts_->git_sync.get(); }

}  // namespace swarmop::reconciler
