#include "swarmop/reconciler/controller/spec_cache.h"

namespace swarmop::reconciler {

SpecCache::SpecCache(Loader loader, const Clock& clock, std::chrono::milliseconds ttl,
                     ListingLoader from_listing)
    : loader_(std::move(loader)), from_listing_(std::move(from_listing)), clock_(clock), ttl_(ttl) {}

StatusOr<std::shared_ptr<const StoreContents>> SpecCache::Get() {
  std::lock_guard<std::mutex> lock(mu_);
  if (contents_ && clock_.Now() - loaded_at_ < ttl_) return contents_;
  auto loaded = loader_();
  if (!loaded.ok()) return loaded.status();
  contents_ = std::make_shared<const StoreContents>(std::move(loaded).value());
  loaded_at_ = clock_.Now();
  return contents_;
}

void SpecCache::Invalidate() {
  std::lock_guard<std::mutex> lock(mu_);
  contents_.reset();
  ++invalidations_;
}

Status SpecCache::Refresh(const std::vector<engine::Config>& configs) {
  if (!from_listing_) {
    Invalidate();
    return Status::Ok();
  }
  Clock::TimePoint started = clock_.Now();
  uint64_t invalidations;
  {
    std::lock_guard<std::mutex> lock(mu_);
    invalidations = invalidations_;
  }
  auto loaded = from_listing_(configs);
  if (!loaded.ok()) return loaded.status();
  auto contents = std::make_shared<const StoreContents>(std::move(loaded).value());
  std::lock_guard<std::mutex> lock(mu_);
  // Invalidated while this listing was read: it may predate what invalidated it; the next Get loads.
  if (invalidations != invalidations_) return Status::Ok();
  contents_ = std::move(contents);
  loaded_at_ = started;
  return Status::Ok();
}

}  // namespace swarmop::reconciler
