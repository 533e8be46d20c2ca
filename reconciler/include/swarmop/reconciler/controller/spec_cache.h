// SpecCache: the stored specs, loaded through the spec store at most once per `ttl` (a resync pass reconciles
// many keys; each must not list every config again). Level-triggered all the same: a reconcile never sees
// specs older than `ttl`, and a config event invalidates the cache at once.
// Thread-safety: safe from any thread; one load at a time.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "swarmop/base/status.h"
#include "swarmop/reconciler/core/clock.h"
#include "swarmop/reconciler/store/spec_store.h"

namespace swarmop::reconciler {

class SpecCache {
 public:
  using Loader = std::function<StatusOr<StoreContents>()>;
  using ListingLoader = std::function<StatusOr<StoreContents>(const std::vector<engine::Config>&)>;

  // `loader` is usually [&store] { return store.Load(); }; `from_listing` (optional, for Refresh)
  // [&store](const auto& configs) { return store.LoadFrom(configs); }.
  SpecCache(Loader loader, const Clock& clock = SystemClock(),
            std::chrono::milliseconds ttl = std::chrono::seconds(2), ListingLoader from_listing = {});

  StatusOr<std::shared_ptr<const StoreContents>> Get();
  void Invalidate();
  // Loads the specs from a config listing the caller holds (a resync's) and puts them in place. The load
  // runs outside the lock: reconciles meanwhile keep getting the specs loaded before, so a resync's load
  // never holds up an event's reconcile. A listing of the very configs (IDs and versions) of the last
  // Refresh keeps the specs held. On error the cache is left as it was. Without `from_listing` it is
  // Invalidate.
  Status Refresh(const std::vector<engine::Config>& configs);

 private:
  Loader loader_;
  ListingLoader from_listing_;
  const Clock& clock_;
  std::chrono::milliseconds ttl_;
  std::mutex mu_;
  std::shared_ptr<const StoreContents> contents_;
  Clock::TimePoint loaded_at_{};
  uint64_t invalidations_ = 0;
  std::string listing_digest_;  // of the listing contents_ was loaded from by Refresh ("" otherwise)
};

}  // namespace swarmop::reconciler
