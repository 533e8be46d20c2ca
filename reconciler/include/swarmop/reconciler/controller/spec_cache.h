// SpecCache: the stored specs, loaded through the spec store at most once per `ttl` (a resync pass reconciles
// many keys; each must not list every config again). Level-triggered all the same: a reconcile never sees
// specs older than `ttl`, and a config event invalidates the cache at once.
// Thread-safety: safe from any thread; one load at a time.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>

#include "swarmop/base/status.h"
#include "swarmop/reconciler/core/clock.h"
#include "swarmop/reconciler/store/spec_store.h"

namespace swarmop::reconciler {

class SpecCache {
 public:
  using Loader = std::function<StatusOr<StoreContents>()>;

  // `loader` is usually [&store] { return store.Load(); }.
  SpecCache(Loader loader, const Clock& clock = SystemClock(),
            std::chrono::milliseconds ttl = std::chrono::seconds(2));

  StatusOr<std::shared_ptr<const StoreContents>> Get();
  void Invalidate();

 private:
  Loader loader_;
  const Clock& clock_;
  std::chrono::milliseconds ttl_;
  std::mutex mu_;
  std::shared_ptr<const StoreContents> contents_;
  Clock::TimePoint loaded_at_{};
};

}  // namespace swarmop::reconciler
