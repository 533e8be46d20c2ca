#include "swarmop/reconciler/controller/spec_cache.h"

#include <algorithm>
#include <string_view>
#include <utility>

#include "swarmop/crds/canonical.h"

namespace swarmop::reconciler {
namespace {

// What a config listing holds, as far as specs go: every config's ID and version (a config's data never
// changes; its labels change its version), in ID order.
std::string ListingDigest(const std::vector<engine::Config>& configs) {
  std::vector<std::pair<std::string_view, uint64_t>> entries;
  entries.reserve(configs.size());
  for (const engine::Config& config : configs) entries.emplace_back(config.id, config.version);
  std::sort(entries.begin(), entries.end());
  std::string text;
  text.reserve(entries.size() * 40);
  for (const auto& [id, version] : entries) {
    text.append(id);
    text += ' ';
    text += std::to_string(version);
    text += '\n';
  }
  return crds::Sha256Hex(text);
}

}  // namespace

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
  listing_digest_.clear();
  return contents_;
}

void SpecCache::Invalidate() {
  std::lock_guard<std::mutex> lock(mu_);
  contents_.reset();
  listing_digest_.clear();
  ++invalidations_;
}

Status SpecCache::Refresh(const std::vector<engine::Config>& configs) {
  if (!from_listing_) {
    Invalidate();
    return Status::Ok();
  }
  Clock::TimePoint started = clock_.Now();
  std::string digest = ListingDigest(configs);
  uint64_t invalidations;
  {
    std::lock_guard<std::mutex> lock(mu_);
    // The very configs of the last load: the specs held are what this listing holds. Keeping them (the same
    // object) also keeps everything computed once per load (problems, render index, dependants).
    if (contents_ && digest == listing_digest_) {
      loaded_at_ = started;
      return Status::Ok();
    }
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
  listing_digest_ = std::move(digest);
  return Status::Ok();
}

}  // namespace swarmop::reconciler
