// LeaderLease: who among several `swarmop run` replicas (one per manager) may reconcile. The lease is a
// Swarm config (kLeaseConfigName) whose labels say who holds it, when it was last renewed and for how long
// it holds. Labels-only config updates are allowed and versioned, so every write carries the version just
// read: the engine rejects a stale one ("update out of sequence", kAborted) and exactly one of two
// racing replicas wins.
//
// Expiry never compares clocks of different machines: a replica notes, on its own steady clock, when it
// first saw the current version of the lease; the lease is expired for it once `duration` has passed since
// then without a new version. The holder counts from just BEFORE it sent its last successful renewal and
// stops leading after `renew_deadline` < `duration`, so a deposed leader stops acting before anyone else can
// see the lease expire (the gap is at least duration - renew_deadline).
//
// The config carries no io.swarmop.managed-by label on purpose: the planner prunes every owned config no
// spec wants, and a pruned lease would let a second replica create a fresh one while the first still leads.
// Thread-safety: safe from any thread (one mutex); meant for one elector thread plus readers of IsLeading.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include "swarmop/base/status.h"
#include "swarmop/engine/engine.h"
#include "swarmop/reconciler/core/clock.h"
#include "swarmop/reconciler/core/labels.h"

namespace swarmop::reconciler {

inline constexpr const char* kLeaseConfigName = "swarmop-leader-lease";

// Its labels: lease_labels (core/labels.h).

struct LeaseOptions {
  std::string name = kLeaseConfigName;
  std::string holder;  // this replica's identity, unique among replicas (e.g. node hostname + pid)
  std::chrono::milliseconds duration{std::chrono::seconds(15)};
  // The leader stops acting when it has not renewed for this long; must be < duration.
  std::chrono::milliseconds renew_deadline{std::chrono::seconds(10)};
  // How often to try to acquire or renew; must be well below renew_deadline.
  std::chrono::milliseconds retry_period{std::chrono::seconds(2)};
};

// The lease as last read.
struct LeaseRecord {
  std::string holder;
  std::string renew_time;
  std::chrono::milliseconds duration{0};
  uint64_t transitions = 0;
  uint64_t version = 0;  // the config's Version.Index
};

// Checks duration > renew_deadline > retry_period > 0 and a non-empty holder.
Status ValidateLeaseOptions(const LeaseOptions& options);

class LeaderLease {
 public:
  // Borrows `engine` and `clock`.
  LeaderLease(engine::Engine& engine, LeaseOptions options, const Clock& clock = SystemClock());

  // One attempt: creates the lease when missing, renews it when this replica holds it, takes it when it
  // expired (or was released). true: this replica holds it now. false: someone else holds a live lease, or
  // won the race for it. An error: the engine did not answer (the caller retries; IsLeading() still
  // tells whether this replica may act).
  StatusOr<bool> TryAcquireOrRenew();

  // True while this replica's last successful renewal is younger than renew_deadline, on the steady clock,
  // and nobody else was seen holding the lease since. Check it before every write.
  bool IsLeading() const;

  // Clears the holder when this replica holds the lease, so another can take it at once. Stops leading.
  Status Release();

  std::optional<LeaseRecord> LastObserved() const;
  const LeaseOptions& options() const { return options_; }

 private:
  StatusOr<bool> Create();
  StatusOr<bool> Write(const engine::Config& config, const LeaseRecord& seen, bool taking_over);
  void Observe(const LeaseRecord& record);
  bool ExpiredLocked() const;
  bool LeadingLocked() const;

  engine::Engine& engine_;
  LeaseOptions options_;
  const Clock& clock_;
  mutable std::mutex mu_;
  std::optional<LeaseRecord> observed_;
  Clock::TimePoint observed_at_{};                  // when observed_->version was first seen
  std::optional<Clock::TimePoint> renewed_before_;  // start of the last successful write by this replica
};

}  // namespace swarmop::reconciler
