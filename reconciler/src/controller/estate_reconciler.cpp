#include "swarmop/reconciler/controller/estate_reconciler.h"

#include <glog/logging.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string_view>
#include <utility>

#include "swarmop/reconciler/controller/drift.h"
#include "swarmop/reconciler/profiles/dependants.h"
#include "swarmop/reconciler/replication/plan_estate.h"
#include "swarmop/reconciler/replication/replication.h"
#include "swarmop/reconciler/replication/replication_observer.h"

namespace swarmop::reconciler {
namespace {

bool ServesKey(const DesiredService& service, const Request& key) {
  if (service.owner.kind == key.kind && service.owner.name == key.name) return true;
  return key.kind == "Site" && service.site == key.name;
}

// The operations on objects the key owns, and only those: FilterPlan gives a Site key every service at
// the site too, but those belong to their Service keys, and two keys must never write one object at once
// (a Site change reaches them anyway: its config event resyncs every key). Invalid specs' objects are
// never touched; network creations were done by EnsureNetworks.
Plan KeyPlan(const Plan& full, const Request& key, const SpecProblems& problems) {
  Plan plan = FilterPlan(full, key);
  std::erase_if(plan.operations, [&](const Operation& op) {
    if (op.object == ObjectKind::kNetwork && op.op == OpKind::kCreate) return true;
    Request owner{op.owner.kind, op.owner.name};
    return owner != key || problems.invalid.count(owner) > 0;
  });
  return plan;
}

// Whether a service is done with its tasks: all running, or for a job, completed (ServiceStatus
// CompletedTasks, API 1.41+; a completed job runs 0 of its 1 desired task, a running one 1 of 1).
bool TasksDone(const engine::Service& actual) {
  const engine::ServiceStatus& s = *actual.service_status;
  if (actual.spec.mode.kind == engine::ServiceMode::Kind::kReplicatedJob) {
    return s.completed_tasks >= std::max<uint64_t>(1, actual.spec.mode.total_completions);
  }
  return s.running_tasks >= s.desired_tasks;
}

// The actual services by name (a Site key's plan holds every service of the estate: a name lookup, not a
// scan per desired service).
std::map<std::string_view, const engine::Service*> ByName(const ActualState& actual) {
  std::map<std::string_view, const engine::Service*> out;
  for (const engine::Service& service : actual.services) out.emplace(service.spec.name, &service);
  return out;
}

// The key's services whose tasks are not all running yet, or jobs not completed yet ("api-douala,
// db-reconfig-v2"), so the key is looked at again (a MongoDB membership step follows its job's completion).
// Names only: the message lands in a label, and counts would rewrite it at every task start.
std::string PendingTasks(const PlanResult& planned, const Request& key) {
  std::string pending;
  std::map<std::string_view, const engine::Service*> actual_by_name = ByName(planned.actual);
  for (const DesiredService& desired : planned.desired.services) {
    if (!ServesKey(desired, key) || !desired.target.local()) continue;
    auto found = actual_by_name.find(desired.spec.name);
    if (found == actual_by_name.end() || !found->second->service_status) continue;
    const engine::Service& actual = *found->second;
    if (TasksDone(actual)) continue;
    if (!pending.empty()) pending += ", ";
    pending += actual.spec.name;
    const engine::ServiceStatus& s = *actual.service_status;
    VLOG(1) << actual.spec.name << ": " << s.running_tasks << "/" << s.desired_tasks << " tasks running";
  }
  return pending;
}

// What the separate-site loops still wait for on the key (the local reconciler only; "" = nothing).
std::string PendingAtSites(const PlanResult& planned, const Request& key,
                           const EstateReconcilerOptions& options) {
  if (options.target_site || !options.site_outcomes) return "";
  std::vector<std::string> sites;
  for (const DesiredService& desired : planned.desired.services) {
    if (!ServesKey(desired, key) || desired.target.local()) continue;
    if (std::find(sites.begin(), sites.end(), desired.target.site) == sites.end()) {
      sites.push_back(desired.target.site);
    }
  }
  return options.site_outcomes->PendingAt(key, sites);
}

// The tasks of the key's own local services (what swarmop_service_*_tasks report), as listed for this plan.
std::vector<ServiceTasks> KeyTasks(const PlanResult& planned, const Request& key) {
  std::vector<ServiceTasks> out;
  std::map<std::string_view, const engine::Service*> actual_by_name = ByName(planned.actual);
  for (const DesiredService& desired : planned.desired.services) {
    if (desired.owner.kind != key.kind || desired.owner.name != key.name || !desired.target.local()) continue;
    auto found = actual_by_name.find(desired.spec.name);
    if (found == actual_by_name.end() || !found->second->service_status) continue;
    const engine::Service& actual = *found->second;
    const engine::ServiceStatus& s = *actual.service_status;
    bool job = actual.spec.mode.kind == engine::ServiceMode::Kind::kReplicatedJob;
    uint64_t desired_tasks =
        job ? std::max<uint64_t>(1, actual.spec.mode.total_completions) : s.desired_tasks;
    out.push_back({actual.spec.name, desired.site, job ? "replicated-job" : "replicated", desired_tasks,
                   s.running_tasks, s.completed_tasks});
  }
  return out;
}

// The key's local services whose task counts the cache does not know, or which are still starting: they are
// listed again (with their counts) before the key is judged. Converged services cost no call.
std::vector<std::string> UnsettledServices(const RenderedState& desired, const ActualState& actual,
                                           const Request& key) {
  std::map<std::string_view, const engine::Service*> have = ByName(actual);
  std::vector<std::string> out;
  for (const DesiredService& want : desired.services) {
    if (!ServesKey(want, key) || !want.target.local()) continue;
    auto it = have.find(want.spec.name);
    if (it == have.end()) continue;
    if (!it->second->service_status || !TasksDone(*it->second)) out.push_back(want.spec.name);
  }
  return out;
}

int CountServices(const PlanResult& planned, const Request& key) {
  int count = 0;
  for (const DesiredService& desired : planned.desired.services) count += ServesKey(desired, key) ? 1 : 0;
  return count;
}

// Kind/name -> spec hash of every valid stored spec.
std::map<Request, std::string> SpecHashes(const StoreContents& contents) {
  std::map<Request, std::string> out;
  for (const StoredSpec& spec : contents.specs)
    out[Request{crds::KindName(spec.kind), spec.name}] = spec.spec_hash;
  return out;
}

// The keys whose spec was added, changed or removed between two loads.
std::set<Request> ChangedSpecs(const StoreContents& before, const StoreContents& after) {
  std::map<Request, std::string> old_hashes = SpecHashes(before), new_hashes = SpecHashes(after);
  std::set<Request> changed;
  for (const auto& [key, hash] : new_hashes) {
    auto it = old_hashes.find(key);
    if (it == old_hashes.end() || it->second != hash) changed.insert(key);
  }
  for (const auto& [key, hash] : old_hashes) {
    if (!new_hashes.count(key)) changed.insert(key);
  }
  return changed;
}

}  // namespace

struct EstateReconciler::Prepared {
  uint64_t number = 0;  // another load or failover set: another number
  std::shared_ptr<const StoreContents> contents;
  std::string adjust_key;
  SpecProblems problems;
  std::map<Request, const StoredSpec*> stored;  // the winning spec of each key
  // Invalid specs are left out: one bad spec must not stop the others rendering (their objects are safe:
  // KeyPlan drops every operation on an invalid owner's objects, prunes included). Null when
  // adjust_desired has no adjust_key: then it is adjusted on every reconcile.
  std::shared_ptr<const crds::DesiredState> desired;
  // desired's Services by name, when desired is set: a Service key finds its spec without a scan.
  std::map<std::string_view, const crds::Service*> services;
};

struct EstateReconciler::KeyContext {
  Request key;
  std::shared_ptr<const Prepared> prepared;
  const StoreContents* contents = nullptr;
  const SpecProblems& problems;
  const StoredSpec* stored = nullptr;                 // null: no valid spec (deleted, or invalid)
  std::shared_ptr<const crds::DesiredState> desired;  // what is rendered
  std::optional<SteadyMark> steady;                   // set: what the plan is made from, read before it

  std::string Hash() const { return stored ? stored->spec_hash : ""; }
  std::optional<StatusTarget> Target() const {
    if (!stored) return std::nullopt;
    return StatusTarget{stored->config_id, stored->config_name, stored->labels, true};
  }
};

EstateReconciler::EstateReconciler(engine::Engine& engine, SpecCache& specs, StatusReporter& status,
                                   Metrics* metrics, const Clock& clock, EstateReconcilerOptions options)
    : engine_(engine),
      specs_(specs),
      status_(status),
      metrics_(metrics),
      clock_(clock),
      options_(std::move(options)) {}

StatusOr<Result> EstateReconciler::Reconcile(const Request& request) {
  StatusOr<Result> result = ReconcileKey(request);
  if (!result.ok() && options_.target_site && options_.site_outcomes) {
    options_.site_outcomes->Record(*options_.target_site, request, result.status().ToString());
  }
  return result;
}

std::shared_ptr<const EstateReconciler::Prepared> EstateReconciler::Prepare(
    std::shared_ptr<const StoreContents> contents) {
  bool memo_adjusted = !options_.adjust_desired || options_.adjust_key;
  std::string adjust_key = options_.adjust_desired && options_.adjust_key ? options_.adjust_key() : "";
  std::lock_guard<std::mutex> lock(prepared_mu_);
  if (prepared_ && prepared_->contents == contents && prepared_->adjust_key == adjust_key) return prepared_;
  auto prepared = std::make_shared<Prepared>();
  prepared->number = ++prepared_count_;
  prepared->contents = std::move(contents);
  prepared->adjust_key = adjust_key;
  prepared->problems = FindSpecProblems(*prepared->contents);
  for (const StoredSpec& spec : prepared->contents->specs) {
    prepared->stored.emplace(Request{crds::KindName(spec.kind), spec.name}, &spec);  // first wins, as Find
  }
  if (memo_adjusted) {
    prepared->desired = Renderable(prepared->contents, prepared->problems);
    for (const crds::Service& service : prepared->desired->services)
      prepared->services.emplace(service.name(), &service);
  }
  prepared_ = prepared;
  return prepared;
}

// The loaded state less its invalid specs, adjusted. It is the loaded state itself (shared, not copied)
// when no spec is invalid and the adjustment changes nothing: a copy of every spec per load would cost as
// much memory again as the specs.
std::shared_ptr<const crds::DesiredState> EstateReconciler::Renderable(
    const std::shared_ptr<const StoreContents>& contents, const SpecProblems& problems) const {
  std::optional<crds::DesiredState> renderable;
  if (!problems.invalid.empty()) renderable = RenderableState(contents->state, problems);
  const crds::DesiredState& base = renderable ? *renderable : contents->state;
  std::optional<crds::DesiredState> adjusted;
  if (options_.adjust_desired) adjusted = options_.adjust_desired(base);
  if (adjusted) return std::make_shared<const crds::DesiredState>(std::move(*adjusted));
  if (renderable) return std::make_shared<const crds::DesiredState>(std::move(*renderable));
  return std::shared_ptr<const crds::DesiredState>(contents, &contents->state);
}

StatusOr<Result> EstateReconciler::ReconcileKey(const Request& request) {
  auto contents = specs_.Get();
  if (!contents.ok()) return contents.status().WithContext("loading specs");
  EnqueueDependants(*contents);
  if (!MayWrite()) {
    // Not leading: another replica reconciles; this one must not even publish status.
    VLOG(1) << "not leading: " << request.ToString() << " left alone";
    return Result{};
  }
  std::shared_ptr<const Prepared> prepared = Prepare(*contents);
  auto stored = prepared->stored.find(request);
  KeyContext context{request,
                     prepared,
                     prepared->contents.get(),
                     prepared->problems,
                     stored == prepared->stored.end() ? nullptr : stored->second,
                     prepared->desired,
                     std::nullopt};
  if (!context.desired) context.desired = Renderable(prepared->contents, context.problems);
  if (auto invalid = context.problems.invalid.find(request); invalid != context.problems.invalid.end()) {
    return ReportInvalid(context, invalid->second);
  }
  context.steady = MarkFor(context);
  if (StillSteady(request, context.steady)) {
    VLOG(2) << request.ToString() << ": steady, nothing it was planned from has changed";
    return Result{.steady = true};
  }

  PlanEstateOptions plan_options;
  plan_options.render = options_.render;
  plan_options.observe_replications = options_.observe_replications;
  plan_options.target_site = options_.target_site;
  plan_options.plan.prune = context.problems.unattributed.empty();
  if (!plan_options.plan.prune) {
    LOG_EVERY_N(WARNING, 20) << context.problems.unattributed.size()
                             << " config(s) hold a spec that does not load and names no Kind/name (first: "
                             << context.problems.unattributed.front().config_name << "): nothing is pruned";
  }
  auto planned = PlanKey(context, plan_options);
  if (!planned.ok()) {
    if (planned.status().code() == Code::kInvalidArgument && context.stored) {
      SWARMOP_RETURN_IF_ERROR(Publish(context, DegradedStatus(request, context.Hash(), "RenderFailed",
                                                              planned.status().message(), clock_.WallNow())));
      return Result{};
    }
    return planned.status().WithContext("planning " + request.ToString());
  }
  if (metrics_ && !options_.target_site)
    metrics_->SetServiceTasks(request.kind, request.name, KeyTasks(*planned, request));
  // Nothing is written for a key whose writes the engine would refuse (a missing secret, `from:` config or
  // network): no half-applied key; it is Degraded until the user creates what is missing.
  std::vector<MissingReference> missing =
      FindMissingReferences(KeyPlan(planned->plan, request, context.problems), *planned);
  if (!missing.empty()) return ReportMissing(context, missing);
  SWARMOP_RETURN_IF_ERROR(EnsureNetworks(context, *planned));
  Plan plan = KeyPlan(planned->plan, request, context.problems);
  if (plan.empty()) return ReportSteady(context, *planned);
  return ApplyForKey(context, plan, *planned);
}

void EstateReconciler::EnqueueDependants(const std::shared_ptr<const StoreContents>& contents) {
  if (!options_.enqueue) return;
  std::shared_ptr<const StoreContents> before;
  {
    std::lock_guard<std::mutex> lock(seen_mu_);
    if (seen_ == contents) return;
    before = std::exchange(seen_, contents);
  }
  if (!before) return;  // the first load: start-up queues every key anyway
  std::set<Request> changed = ChangedSpecs(*before, *contents);
  if (changed.empty()) return;
  for (const Request& key : profiles::ProfileDependants(before->state, contents->state, changed)) {
    VLOG(1) << key.ToString() << " derives from a changed spec: queued";
    options_.enqueue(key);
  }
}

StatusOr<Result> EstateReconciler::ReportInvalid(const KeyContext& context, const InvalidSpec& invalid) {
  std::string message = FormatProblems(invalid.errors);
  LOG_EVERY_N(WARNING, 10) << context.key.ToString()
                           << " is invalid, its services are left as they run: " << message;
  if (!MayWrite() || options_.target_site) return Result{};
  StatusTarget target{invalid.config_id, invalid.config_name, {}, invalid.stored_winner};
  if (invalid.stored_winner && context.stored) target.current_labels = context.stored->labels;
  for (const InvalidConfig& config : context.contents->invalid) {
    if (config.config_id == invalid.config_id) target.current_labels = config.labels;
  }
  Status published =
      status_.Publish(DegradedStatus(context.key, context.Hash(), "InvalidSpec", message, clock_.WallNow()),
                      invalid.config_id.empty() ? std::nullopt : std::optional<StatusTarget>(target));
  if (!published.ok() && metrics_) metrics_->CountError("status");
  return published.ok() ? StatusOr<Result>(Result{}) : StatusOr<Result>(published);
}

StatusOr<Result> EstateReconciler::ReportMissing(const KeyContext& context,
                                                 const std::vector<MissingReference>& missing) {
  std::string message;
  for (const MissingReference& m : missing) message += (message.empty() ? "" : "\n") + m.Message();
  LOG_EVERY_N(WARNING, 10) << context.key.ToString() << ": nothing written: " << message;
  // A site's loop publishes no status: its failure is recorded for the local key (WaitingForSites).
  if (options_.target_site) return FailedPreconditionError(message);
  if (context.stored) {
    SWARMOP_RETURN_IF_ERROR(Publish(
        context, DegradedStatus(context.key, context.Hash(), "MissingReference", message, clock_.WallNow())));
  }
  return Result{options_.progress_requeue};  // looks again soon: the user may create it any time
}

StatusOr<Result> EstateReconciler::ReportSteady(const KeyContext& context, const PlanResult& planned) {
  if (!context.stored) {
    status_.Forget(context.key);  // no spec and nothing left to prune
    return Result{};
  }
  if (context.key.kind == "Site" && options_.site_down) {
    auto [reason, message] = options_.site_down(context.key.name);
    if (!reason.empty()) {
      SWARMOP_RETURN_IF_ERROR(
          Publish(context, DegradedStatus(context.key, context.Hash(), reason, message, clock_.WallNow())));
      return Result{};  // the monitor's next failover event or the resync looks again
    }
  }
  std::string pending = PendingTasks(planned, context.key);
  if (!pending.empty()) {
    SWARMOP_RETURN_IF_ERROR(
        Publish(context, ProgressingStatus(context.key, context.Hash(), "WaitingForTasks",
                                           "waiting for tasks: " + pending, clock_.WallNow())));
    return Result{options_.progress_requeue};
  }
  std::string at_sites = PendingAtSites(planned, context.key, options_);
  if (!at_sites.empty()) {
    SWARMOP_RETURN_IF_ERROR(
        Publish(context, ProgressingStatus(context.key, context.Hash(), "WaitingForSites",
                                           "waiting for separate sites: " + at_sites, clock_.WallNow())));
    return Result{options_.progress_requeue};
  }
  int services = CountServices(planned, context.key);
  SWARMOP_RETURN_IF_ERROR(Publish(
      context, ConvergedStatus(context.key, context.Hash(),
                               std::to_string(services) + " service(s) match the spec", clock_.WallNow())));
  if (context.steady) {
    std::lock_guard<std::mutex> lock(steady_mu_);
    steady_[context.key] = *context.steady;
  }
  return Result{};
}

// Service and Site keys of the local swarm's reconciler with a cache, whose specs are rendered from a shared
// Prepared: the only keys whose plan reads nothing but the load (failovers included: adjust_key), the cache,
// the site outcomes and, for a Site's status, the site monitor's verdict (a Replication's render reads
// MongoDB).
std::optional<EstateReconciler::SteadyMark> EstateReconciler::MarkFor(const KeyContext& context) const {
  bool markable = context.key.kind == "Service" || context.key.kind == "Site";
  if (!options_.cache || options_.target_site || !markable || !context.stored ||
      context.desired != context.prepared->desired)
    return std::nullopt;
  SteadyMark mark;
  mark.prepared = context.prepared->number;
  mark.cache = options_.cache->Generation();
  mark.sites = options_.site_outcomes ? options_.site_outcomes->Generation() : 0;
  if (options_.failover_of) mark.failover = options_.failover_of(context.key);
  if (context.key.kind == "Site" && options_.site_down) {
    auto [reason, message] = options_.site_down(context.key.name);
    mark.monitor = reason + ": " + message;
  }
  return mark;
}

// Whether the key was Converged when last planned from `mark`; otherwise it is planned now, and counts as
// steady again only once found Converged. A key that cannot be marked (nullopt) is forgotten.
bool EstateReconciler::StillSteady(const Request& key, const std::optional<SteadyMark>& mark) {
  std::lock_guard<std::mutex> lock(steady_mu_);
  auto it = steady_.find(key);
  if (it == steady_.end()) return false;
  if (mark && it->second == *mark) return true;
  steady_.erase(it);
  return false;
}

StatusOr<Result> EstateReconciler::ApplyForKey(const KeyContext& context, const Plan& plan,
                                               const PlanResult& planned) {
  std::vector<DriftCorrection> drift = FindDriftCorrections(plan, planned.actual);
  for (const DriftCorrection& correction : drift) LOG(INFO) << correction.Describe();
  std::string key_text = context.key.ToString();
  if (options_.target_site) key_text += " at " + *options_.target_site;
  LOG(INFO) << "reconciling " << key_text << ": " << plan.operations.size() << " change(s)\n"
            << ToString(plan);
  if (!MayWrite()) {
    LOG(WARNING) << key_text << ": leadership lost before applying " << plan.operations.size()
                 << " change(s); left to the new leader";
    return Result{};
  }
  ApplyOptions apply = options_.apply;
  apply.on_event = [key_text](const std::string& line) { LOG(INFO) << key_text << ": " << line; };
  ApplyReport report = ApplyPlan(engine_, plan, apply);
  if (options_.cache) options_.cache->LearnWrites(engine_, plan, report);
  if (metrics_ && report.ok()) metrics_->CountDriftCorrections(drift.size());
  if (!report.ok()) {
    Status error = report.FirstError();
    LOG(WARNING) << key_text << ": apply failed: " << error.ToString();
    if (context.stored) {
      Status published = Publish(context, DegradedStatus(context.key, context.Hash(), "ApplyFailed",
                                                         error.ToString(), clock_.WallNow()));
      if (!published.ok()) LOG(WARNING) << published.ToString();
    }
    return error;
  }
  if (!context.stored) {
    LOG(INFO) << "pruned what " << key_text << " owned (" << report.writes << " write(s)): its spec is gone";
    status_.Forget(context.key);
    return Result{};
  }
  SWARMOP_RETURN_IF_ERROR(Publish(
      context,
      ProgressingStatus(context.key, context.Hash(), "Applied",
                        "applied " + std::to_string(report.writes) + " change(s)", clock_.WallNow())));
  return Result{options_.progress_requeue};
}

Status EstateReconciler::EnsureNetworks(const KeyContext& context, const PlanResult& planned) {
  bool missing = false;
  for (const Operation& op : planned.plan.operations) {
    missing |= op.object == ObjectKind::kNetwork && op.op == OpKind::kCreate;
  }
  if (!missing) return Status::Ok();
  std::lock_guard<std::mutex> lock(network_mu_);
  // Plan again under the lock: another key may have just created them.
  PlanEstateOptions options;
  options.render = options_.render;
  options.target_site = options_.target_site;
  options.plan.prune = false;
  auto fresh = PlanKey(context, options);
  if (!fresh.ok()) return fresh.status().WithContext("planning networks");
  Plan networks;
  for (const Operation& op : fresh->plan.operations) {
    if (op.object == ObjectKind::kNetwork && op.op == OpKind::kCreate) networks.operations.push_back(op);
  }
  if (networks.empty() || !MayWrite()) return Status::Ok();
  ApplyReport report = ApplyPlan(engine_, networks, options_.apply);
  if (options_.cache) options_.cache->LearnWrites(engine_, networks, report);
  for (const OperationResult& result : report.results) {
    if (result.wrote) LOG(INFO) << "created network for the estate: " << result.summary;
  }
  return report.FirstError();
}

Status EstateReconciler::Publish(const KeyContext& context, SpecStatus status) {
  if (!MayWrite()) return Status::Ok();  // the leader publishes; a stale writer would fight it
  if (options_.target_site) {            // the local reconciler publishes; it hears what this site concluded
    if (options_.site_outcomes) {
      const Condition& headline = status.Headline();
      bool converged = headline.type == kConditionReady && headline.status;
      options_.site_outcomes->Record(*options_.target_site, context.key,
                                     converged ? "" : headline.reason + ": " + headline.message);
    }
    return Status::Ok();
  }
  if (options_.failover_of) {
    std::string failover = options_.failover_of(context.key);
    if (!failover.empty()) AddFailoverCondition(status, failover, clock_.WallNow());
  }
  Status published = status_.Publish(std::move(status), context.Target());
  if (!published.ok() && metrics_) metrics_->CountError("status");
  return published;
}

// RenderOwner, with the key's Service found in the load's index when the desired state is the load's.
StatusOr<RenderedState> EstateReconciler::RenderKeyOwner(const KeyContext& context,
                                                         const RenderOptions& render) {
  const Request& key = context.key;
  if (key.kind == "Service" && context.desired == context.prepared->desired) {
    auto found = context.prepared->services.find(key.name);
    if (found == context.prepared->services.end())
      return RenderOwner(*context.desired, Owner{key.kind, key.name}, render);
    return RenderServiceOwner(*context.desired, *found->second, render);
  }
  return RenderOwner(*context.desired, Owner{key.kind, key.name}, render);
}

StatusOr<PlanResult> EstateReconciler::PlanKey(const KeyContext& context, const PlanEstateOptions& options) {
  if (options_.cache) return PlanFromCache(context, options);
  return PlanEstate(engine_, *context.desired, options);
}

// A Service or Replication key renders its own objects; a Site key renders the estate (its status counts
// every service placed at the site), other keys the networks only (Estate, and owners whose spec is gone:
// nothing renders for them, so everything they own is pruned). The key's slice of the plan is the same as
// PlanEstate's: the plan is cut to the key afterwards either way.
StatusOr<PlanResult> EstateReconciler::PlanFromCache(const KeyContext& context,
                                                     const PlanEstateOptions& options) {
  const Request& key = context.key;
  const crds::DesiredState& desired = *context.desired;
  bool whole = key.kind == "Site";
  RenderOptions render = options.render;
  if (options.observe_replications) {
    // What MongoDB runs matters to the Replications' own render only: a Service key (its django-api
    // database settings included) renders the same without reading it.
    ReplicationObserver observer;
    if (whole || key.kind == "Replication") {
      auto observed = ObserveReplications(engine_, desired);
      if (!observed.ok()) return observed.status();
      observer = SnapshotObserver(std::move(*observed));
    }
    UseReplicationRendering(render, std::move(observer));
  }
  auto rendered = whole ? Render(desired, render) : RenderKeyOwner(context, render);
  if (!rendered.ok()) return rendered.status();
  GatherScope scope;
  if (!whole) scope.owner = key;
  ActualCache& cache = *options_.cache;
  return PlanRendered(desired, std::move(*rendered), options,
                      [&](const RenderedState& scoped) -> StatusOr<ActualState> {
                        ActualState actual = cache.Gather(scoped, scope);
                        std::vector<std::string> unsettled = UnsettledServices(scoped, actual, key);
                        if (unsettled.empty()) return actual;
                        SWARMOP_RETURN_IF_ERROR(cache.RefreshStatus(engine_, unsettled));
                        return cache.Gather(scoped, scope);
                      });
}

}  // namespace swarmop::reconciler
