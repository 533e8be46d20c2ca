// EstateReconciler: the Reconciler the controller runs for every key (a spec's Kind/name, or the owner named
// on objects whose spec is gone).
//   1. Read the stored specs (SpecCache) and their problems.
//   2. The key's spec does not load: status Degraded (InvalidSpec, with the errors); nothing is written to
//      what it runs. Ok is returned: retrying cannot fix a spec, a new config (an event) will.
//   3. Plan, keep the key's operations (FilterPlan) minus those of owners whose spec is invalid. Without a
//      cache: PlanEstate for the whole estate (render everything, list). With one (watch mode): render the
//      key's objects only (RenderOwner; a Site key renders the estate, its status counts the services
//      placed there) and read the actual state from the cache, so a key costs its own size; what an apply
//      wrote is re-read into the cache. Missing overlay networks are created first, under one lock, since
//      several keys need the same ones. A config that names no spec at all turns pruning off (it may be a
//      spec's new home).
//   4. Nothing to do: Ready when every service runs its desired tasks, else Progressing (requeue to look
//      again). Something to do: log it (drift corrections as such), ApplyPlan, status Progressing, requeue;
//      a failed apply is Degraded (ApplyFailed) and an error, so the queue backs off.
//   5. The spec no longer exists: its objects are pruned by the plan; its status is forgotten.
// Steady keys (watch mode, with a cache): a Service or Site key found Converged is not planned again while
// nothing it was planned from has changed: the same load of the specs (and failovers), the same cache
// generation (actual_cache.h: no object added, removed, updated or with other task counts), the same
// separate-site outcomes and, for a Site, the same site monitor verdict. Its reconcile would plan exactly
// what it did and find nothing to do, so it answers at once: a steady resync of thousands of keys costs a
// lookup per key. Any change anywhere plans every key again, once.
// With options.enqueue set (watch mode), the first reconcile that sees a new load of the specs compares it
// with the load before and hands the profile Services that derive from the specs that changed
// (profiles/dependants.h: a gateway when a Service's expose changes, the Services at a Logstash's sites when
// it comes or goes) to enqueue, so they re-render now rather than at the next resync.
// Thread-safety: Reconcile may run concurrently for different keys.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "swarmop/engine/engine.h"
#include "swarmop/reconciler/cache/actual_cache.h"
#include "swarmop/reconciler/controller/metrics.h"
#include "swarmop/reconciler/controller/site_outcomes.h"
#include "swarmop/reconciler/controller/spec_cache.h"
#include "swarmop/reconciler/controller/spec_problems.h"
#include "swarmop/reconciler/controller/status_reporter.h"
#include "swarmop/reconciler/core/apply.h"
#include "swarmop/reconciler/core/clock.h"
#include "swarmop/reconciler/core/core.h"
#include "swarmop/reconciler/core/missing_references.h"
#include "swarmop/reconciler/core/reconciler.h"

namespace swarmop::reconciler {

struct EstateReconcilerOptions {
  RenderOptions render;
  // Plan with PlanEstateOptions::observe_replications (watch mode: true, so MongoDB membership changes
  // step one voter per job, each after the previous job completed).
  bool observe_replications = false;
  ApplyOptions apply;
  // How soon to look again after an apply, or while tasks are still starting.
  std::chrono::milliseconds progress_requeue{std::chrono::seconds(2)};
  // Rewrites the stored desired state before it is planned (watch mode: ApplyFailover over the active
  // failovers). Empty: the specs are planned as stored. Runs on every reconcile, from any worker. Answers
  // nullopt when it changes nothing: the stored state is then rendered as it is, without a copy.
  std::function<std::optional<crds::DesiredState>(const crds::DesiredState&)> adjust_desired;
  // With adjust_desired: a text that changes whenever adjust_desired would answer differently for the same
  // specs (watch mode: the active failovers). Set, the adjusted state is computed once per (loaded specs,
  // text) and shared by every key; empty, adjust_desired runs on every reconcile.
  std::function<std::string()> adjust_key;
  // Watch mode: the cache of the actual state (actual_cache.h) to read instead of listing, and to teach
  // what this reconciler wrote. Null: every reconcile lists and renders the whole estate (PlanEstate).
  ActualCache* cache = nullptr;
  // What an active failover does to the key's spec, for its FailedOver condition (watch mode: the
  // operator's failover adjuster answers); "" or empty: none.
  std::function<std::string(const Request&)> failover_of;
  // Asked before every write to what runs and to status (watch mode: LeaderLease::IsLeading, so a deposed
  // leader stops writing on time). Empty: always allowed. A refusal is not an error: the key is left for
  // the replica that leads.
  std::function<bool()> may_write;
  // Set: the engine is this separate-swarm Site's own swarm (watch mode runs one such reconciler per
  // site): only that site's objects are planned (PlanEstateOptions::target_site), and no spec status is
  // published: the local swarm's reconciler owns the specs' status.
  std::optional<std::string> target_site;
  // Watch mode with separate sites: the site loops record what they concluded per key (target_site set),
  // and the local reconciler reports a key Progressing ("WaitingForSites") until every separate site it is
  // placed at has converged. Null: separate sites do not hold up a key's status.
  SiteOutcomes* site_outcomes = nullptr;
  // Watch mode: why a site is not up, for its Site spec's status: {reason, message}, e.g.
  // {"SiteUnreachable", "0/1 nodes ready: douala down"}; an empty reason when it is Ready or not judged yet.
  // A steady Site spec whose site is down then reads Degraded with that reason, not Converged.
  std::function<std::pair<std::string, std::string>(const std::string& site)> site_down;
  // Watch mode: marks a key in the controller's queue (see the top of this file). Empty: nothing is marked.
  std::function<void(const Request&)> enqueue;
};

class EstateReconciler : public Reconciler {
 public:
  // Borrows everything; `metrics` may be null.
  EstateReconciler(engine::Engine& engine, SpecCache& specs, StatusReporter& status, Metrics* metrics,
                   const Clock& clock = SystemClock(), EstateReconcilerOptions options = {});

  StatusOr<Result> Reconcile(const Request& request) override;

 private:
  StatusOr<Result> ReconcileKey(const Request& request);
  struct KeyContext;
  // What a steady key was planned from (see the top of this file).
  struct SteadyMark {
    uint64_t prepared = 0;
    uint64_t cache = 0;
    uint64_t sites = 0;
    std::string failover;
    std::string monitor;  // a Site key: the site monitor's verdict on its site (site_down)
    bool operator==(const SteadyMark&) const = default;
  };
  std::optional<SteadyMark> MarkFor(const KeyContext& context) const;
  bool StillSteady(const Request& key, const std::optional<SteadyMark>& mark);

  StatusOr<Result> ReportInvalid(const KeyContext& context, const InvalidSpec& invalid);
  StatusOr<Result> ReportSteady(const KeyContext& context, const PlanResult& planned);
  StatusOr<Result> ReportMissing(const KeyContext& context, const std::vector<MissingReference>& missing);
  StatusOr<Result> ApplyForKey(const KeyContext& context, const Plan& plan, const PlanResult& planned);
  Status EnsureNetworks(const KeyContext& context, const PlanResult& planned);
  Status Publish(const KeyContext& context, SpecStatus status);
  StatusOr<PlanResult> PlanKey(const KeyContext& context, const PlanEstateOptions& options);
  StatusOr<PlanResult> PlanFromCache(const KeyContext& context, const PlanEstateOptions& options);
  StatusOr<RenderedState> RenderKeyOwner(const KeyContext& context, const RenderOptions& render);
  // The stored specs, their problems and the state to render, computed once per load (and adjust_key).
  struct Prepared;
  std::shared_ptr<const Prepared> Prepare(std::shared_ptr<const StoreContents> contents);
  std::shared_ptr<const crds::DesiredState> Renderable(const std::shared_ptr<const StoreContents>& contents,
                                                       const SpecProblems& problems) const;
  bool MayWrite() const { return !options_.may_write || options_.may_write(); }
  void EnqueueDependants(const std::shared_ptr<const StoreContents>& contents);

  engine::Engine& engine_;
  SpecCache& specs_;
  StatusReporter& status_;
  Metrics* metrics_;
  const Clock& clock_;
  EstateReconcilerOptions options_;
  std::mutex network_mu_;  // one network creation at a time across keys
  std::mutex seen_mu_;
  std::shared_ptr<const StoreContents> seen_;  // the last load of the specs EnqueueDependants compared
  std::mutex prepared_mu_;
  std::shared_ptr<const Prepared> prepared_;
  uint64_t prepared_count_ = 0;  // under prepared_mu_: each Prepared's number
  std::mutex steady_mu_;
  // Keys last found Converged, and what they were planned from.
  std::map<Request, SteadyMark> steady_;
};

}  // namespace swarmop::reconciler
