// The Operator's lifecycle under `swarmop run`, alone or leader-elected (operator_lifecycle.h).
#include "swarmop/reconciler/controller/operator_lifecycle.h"

#include <glog/logging.h>

namespace swarmop::reconciler {
namespace {

// How often the lifecycle looks at the elector's flag: a new leader starts reconciling within this much
// of winning, well inside the lease's retry period.
constexpr std::chrono::milliseconds kPoll{200};

}  // namespace

OperatorLifecycle::OperatorLifecycle(LeaderLease& lease, LifecycleHooks hooks, const Clock& clock)
    : lease_(lease),
      hooks_(std::move(hooks)),
      elector_(
          lease,
          {[this] { elected_ = true; }, [this] { elected_ = false; },
           [](const Status& error) { LOG_EVERY_N(WARNING, 10) << "leader lease: " << error.ToString(); }},
          clock) {}

OperatorLifecycle::~OperatorLifecycle() { Stop(false); }

void OperatorLifecycle::Start() {
  elector_.Start();
  if (hooks_.serve_follower) stop_follower_ = hooks_.serve_follower();
}

Status OperatorLifecycle::Follow() {
  const bool lead = elected_.load() && lease_.IsLeading();
  if (lead && !operating()) {
    LOG(INFO) << "started leading: reconciling";
    if (stop_follower_) stop_follower_();  // the Operator serves this address now
    stop_follower_ = nullptr;
    StatusOr<std::function<void()>> started = hooks_.start_operator();
    if (!started.ok()) return started.status();
    // An Operator that needs no stopping still counts as running.
    stop_operator_ = *started ? std::move(started).value() : [] {};
  } else if (!lead && operating()) {
    LOG(WARNING) << "stopped leading: reconciling stops";
    stop_operator_();  // in-flight reconciles finish, and may_write already refuses their writes
    stop_operator_ = nullptr;
    if (hooks_.serve_follower) stop_follower_ = hooks_.serve_follower();
  }
  return Status();
}

void OperatorLifecycle::Stop(bool release) {
  if (stopped_) return;
  stopped_ = true;
  if (stop_operator_) stop_operator_();
  stop_operator_ = nullptr;
  if (stop_follower_) stop_follower_();
  stop_follower_ = nullptr;
  elector_.Stop(release);
}

Status RunOperator(engine::Engine& engine, const OperatorOptions& options, const StopWaiter& wait_for_stop) {
  auto op = Operator::Start(engine, options);
  if (!op.ok()) return op.status();
  while (!wait_for_stop(kPoll)) {
  }
  (*op)->Stop();
  return Status();
}

Status RunElectedOperator(engine::Engine& engine, engine::Engine& lease_engine, OperatorOptions options,
                          LeaseOptions lease_options, const StopWaiter& wait_for_stop, const Clock& clock,
                          std::function<LifecycleHooks(const OperatorOptions&, const LeaderLease&)> hooks) {
  if (lease_options.holder.empty()) lease_options.holder = DefaultLeaseHolder();
  LeaderLease lease(lease_engine, lease_options, clock);
  options.reconcile.may_write = [&lease] { return lease.IsLeading(); };
  OperatorLifecycle lifecycle(lease, hooks ? hooks(options, lease) : OperatorHooks(engine, options, lease),
                              clock);
  LOG(INFO) << "leader election as " << lease_options.holder << " on config " << lease_options.name;
  lifecycle.Start();
  while (!wait_for_stop(kPoll)) {
    Status followed = lifecycle.Follow();
    if (!followed.ok()) return followed;  // ~OperatorLifecycle stops without releasing, as a crash would
  }
  lifecycle.Stop(/*release=*/true);
  return Status();
}

}  // namespace swarmop::reconciler
