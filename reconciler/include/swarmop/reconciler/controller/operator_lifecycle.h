// The lifecycle of `swarmop run`: the Operator runs until the command is asked to stop, and with leader
// election (several replicas sharing the Swarm config lease, leader_lease.h) only while this replica holds
// the lease. The CLI parses flags and waits for signals; everything else is here, so it is tested on the
// FakeEngine and FakeClock.
//
// Why the loop looks this way: the elector's callbacks only raise a flag, and the lifecycle's own thread
// starts and stops the Operator, so a callback never blocks on a reconcile in flight. Every write also asks
// LeaderLease::IsLeading(), which turns false on time even while this thread catches up. A replica that
// follows still answers on the listen address: /healthz 200 (it is alive, so Swarm's healthcheck leaves it
// running), /readyz 503 and /api/v1/status {"leading": false, "holder": ...}.
// Thread-safety: an OperatorLifecycle is driven from one thread.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "swarmop/base/status.h"
#include "swarmop/engine/endpoint.h"
#include "swarmop/engine/engine.h"
#include "swarmop/reconciler/controller/operator.h"
#include "swarmop/reconciler/core/clock.h"
#include "swarmop/reconciler/http/http_server.h"
#include "swarmop/reconciler/sites/leader_elector.h"
#include "swarmop/reconciler/sites/leader_lease.h"

namespace swarmop::reconciler {

// Waits up to the given time for a request to stop (a signal, for the CLI); true when one came.
using StopWaiter = std::function<bool(std::chrono::milliseconds)>;

// --lease-duration D: the leader stops acting 2/3 D after its last renewal and retries every 2/15 D
// (15 s: 10 s and 2 s), so a dead leader is replaced within about D + 2/15 D. kInvalidArgument under 1 s.
StatusOr<LeaseOptions> LeaseTimings(std::chrono::milliseconds duration);

// This replica's name in the lease: hostname:pid, unique among the replicas of one swarm.
std::string DefaultLeaseHolder();

// The lease gets its own connection with a short request timeout: a hung lease call must not outlive the
// renew deadline, and must not queue behind the reconciler's calls.
StatusOr<std::unique_ptr<engine::Engine>> ConnectForLease(engine::Endpoint endpoint);

// What a follower answers (see above); `holder` names the leader as last seen, "unknown" before that.
HttpRoutes FollowerRoutes(std::function<std::string()> holder);
// The lease's holder as last observed, "unknown" when none was seen.
std::string ObservedHolder(const LeaderLease& lease);

// What the lifecycle runs. Each hook returns what stops what it started (empty: nothing to stop).
struct LifecycleHooks {
  // Starts reconciling (Operator::Start); an error ends the lifecycle.
  std::function<StatusOr<std::function<void()>>()> start_operator;
  // Serves the follower's HTTP surface, or nothing when it cannot (logged: following goes on without it).
  std::function<std::function<void()>()> serve_follower;
};

// The hooks of `swarmop run`: Operator::Start(engine, options), and FollowerRoutes on options.listen
// (none when it is empty). Borrows all three.
LifecycleHooks OperatorHooks(engine::Engine& engine, const OperatorOptions& options,
                             const LeaderLease& lease);

// The Operator exactly while this replica leads. Borrows `lease` and `clock`.
class OperatorLifecycle {
 public:
  OperatorLifecycle(LeaderLease& lease, LifecycleHooks hooks, const Clock& clock = SystemClock());
  ~OperatorLifecycle();  // Stop(false): a crash-like end does not release the lease

  // Starts electing and serves the follower surface.
  void Start();
  // One look at the elector's flag and the lease: starts the Operator on winning (the follower surface
  // stops first: the Operator serves that address), stops it and serves the follower surface on losing.
  // An error: the Operator could not start.
  Status Follow();
  // Stops the Operator or the follower surface, then the elector; `release` gives the lease up so another
  // replica takes over at once. Idempotent.
  void Stop(bool release);

  bool operating() const { return static_cast<bool>(stop_operator_); }

 private:
  LeaderLease& lease_;
  LifecycleHooks hooks_;
  std::atomic<bool> elected_{false};  // the elector's flag: raised and lowered by its callbacks only
  LeaderElector elector_;
  std::function<void()> stop_operator_;
  std::function<void()> stop_follower_;
  bool stopped_ = false;
};

// `swarmop run`: the Operator on `engine` until `wait_for_stop` says so, then a graceful stop (in-flight
// reconciles finish). An error: the Operator could not start.
Status RunOperator(engine::Engine& engine, const OperatorOptions& options, const StopWaiter& wait_for_stop);

// `swarmop run --leader-elect`: elects on `lease_engine` (ConnectForLease), runs the Operator on `engine`
// while leading (its writes ask the lease first), serves the follower surface otherwise, until
// `wait_for_stop`; then releases the lease. `hooks` replace OperatorHooks when given (tests).
Status RunElectedOperator(
    engine::Engine& engine, engine::Engine& lease_engine, OperatorOptions options, LeaseOptions lease_options,
    const StopWaiter& wait_for_stop, const Clock& clock = SystemClock(),
    std::function<LifecycleHooks(const OperatorOptions&, const LeaderLease&)> hooks = {});

}  // namespace swarmop::reconciler
