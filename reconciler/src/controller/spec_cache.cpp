#include "swarmop/reconciler/controller/spec_cache.h"

namespace swarmop::reconciler {

SpecCache::SpecCache(Loader loader, const Clock& clock, std::chrono::milliseconds ttl)
    : loader_(std::move(loader)), clock_(clock), ttl_(ttl) {}

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
}

}  // namespace swarmop::reconciler
