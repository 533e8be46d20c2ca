// SpecCache: one load per time to live; a resync's Refresh loads from the listing it is given, outside the
// lock, so callers meanwhile keep the specs they had; a Refresh that an Invalidate overtook is not kept.
// The loaders here number their loads (in superseded.size()) and can be held open.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>

#include "swarmop/reconciler/controller/spec_cache.h"
#include "swarmop/reconciler/testing/fake_clock.h"

namespace swarmop::reconciler {
namespace {

using namespace std::chrono_literals;

// Loads numbered in start order, from the engine (Load) or from a listing (LoadFrom, which records how many
// configs it was given); a load can be held until the test lets it finish.
class HeldLoader {
 public:
  StatusOr<StoreContents> Load() { return Next(); }
  StatusOr<StoreContents> LoadFrom(const std::vector<engine::Config>& configs) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++from_listing_;
      listed_configs_ = configs.size();
    }
    if (fail_next_listing_.exchange(false)) return UnavailableError("bad listing");
    return Next();
  }
  void Hold() { Set(true); }
  void Release() { Set(false); }
  void FailNextListing() { fail_next_listing_ = true; }
  bool AwaitStarted(int n) {
    std::unique_lock<std::mutex> lock(mu_);
    return changed_.wait_for(lock, 10s, [&] { return started_ >= n; });
  }
  int started() {
    std::lock_guard<std::mutex> lock(mu_);
    return started_;
  }
  int from_listing() {
    std::lock_guard<std::mutex> lock(mu_);
    return from_listing_;
  }
  size_t listed_configs() {
    std::lock_guard<std::mutex> lock(mu_);
    return listed_configs_;
  }

 private:
  StatusOr<StoreContents> Next() {
    std::unique_lock<std::mutex> lock(mu_);
    const int number = ++started_;
    changed_.notify_all();
    changed_.wait(lock, [&] { return !held_; });
    StoreContents contents;
    contents.superseded.resize(number);  // the load's number, for the test to read back
    return contents;
  }
  void Set(bool held) {
    std::lock_guard<std::mutex> lock(mu_);
    held_ = held;
    changed_.notify_all();
  }
  std::mutex mu_;
  std::condition_variable changed_;
  bool held_ = false;
  int started_ = 0;
  int from_listing_ = 0;
  size_t listed_configs_ = 0;
  std::atomic<bool> fail_next_listing_{false};
};

int LoadNumber(const StatusOr<std::shared_ptr<const StoreContents>>& got) {
  return got.ok() ? static_cast<int>((*got)->superseded.size()) : -1;
}

// `configs` configs "c1".."cN" at `version`.
std::vector<engine::Config> Listing(int configs, uint64_t version = 1) {
  std::vector<engine::Config> out(configs);
  for (int i = 0; i < configs; ++i) {
    out[i].id = "c" + std::to_string(i + 1);
    out[i].version = version;
  }
  return out;
}

class SpecCacheTest : public ::testing::Test {
 protected:
  HeldLoader loader_;
  FakeClock clock_;
  SpecCache cache_{[this] { return loader_.Load(); }, clock_, 2s,
                   [this](const std::vector<engine::Config>& configs) { return loader_.LoadFrom(configs); }};
};

TEST_F(SpecCacheTest, WithinTheTimeToLiveEveryCallerGetsTheOneLoad) {
  EXPECT_EQ(LoadNumber(cache_.Get()), 1);
  clock_.Advance(1s);
  EXPECT_EQ(LoadNumber(cache_.Get()), 1);
  clock_.Advance(1500ms);
  EXPECT_EQ(LoadNumber(cache_.Get()), 2);
  EXPECT_EQ(loader_.started(), 2);
}

TEST_F(SpecCacheTest, ARefreshLoadsFromTheListingItIsGivenAndCallersGetThatLoad) {
  ASSERT_TRUE(cache_.Refresh(Listing(3)).ok());
  EXPECT_EQ(loader_.from_listing(), 1);
  EXPECT_EQ(loader_.listed_configs(), 3u);
  EXPECT_EQ(LoadNumber(cache_.Get()), 1);
  clock_.Advance(1500ms);
  EXPECT_EQ(LoadNumber(cache_.Get()), 1) << "a refresh starts the time to live again";
  EXPECT_EQ(loader_.started(), 1) << "no load of its own after a refresh";
}

TEST_F(SpecCacheTest, ARefreshOfTheVeryConfigsOfTheLastKeepsTheSpecsHeld) {
  ASSERT_TRUE(cache_.Refresh(Listing(3)).ok());
  auto held = cache_.Get();
  std::vector<engine::Config> reordered = Listing(3);
  std::reverse(reordered.begin(), reordered.end());  // the engine's order is not the point
  ASSERT_TRUE(cache_.Refresh(reordered).ok());
  EXPECT_EQ(loader_.from_listing(), 1) << "loaded again from the same configs";
  EXPECT_EQ(cache_.Get()->get(), held->get()) << "not the same specs object";
}

TEST_F(SpecCacheTest, ARefreshLoadsAgainWhenAConfigChangedOrCameOrWent) {
  ASSERT_TRUE(cache_.Refresh(Listing(3)).ok());
  ASSERT_TRUE(cache_.Refresh(Listing(3, 2)).ok());  // labels written: versions moved
  ASSERT_TRUE(cache_.Refresh(Listing(4, 2)).ok());  // one more config
  ASSERT_TRUE(cache_.Refresh(Listing(2, 2)).ok());  // two removed
  EXPECT_EQ(loader_.from_listing(), 4);
  EXPECT_EQ(LoadNumber(cache_.Get()), 4);
  cache_.Invalidate();
  ASSERT_TRUE(cache_.Refresh(Listing(2, 2)).ok());  // the same listing, but the cache was invalidated
  EXPECT_EQ(loader_.from_listing(), 5);
}

TEST_F(SpecCacheTest, WhileARefreshLoadsCallersKeepTheSpecsTheyHad) {
  ASSERT_EQ(LoadNumber(cache_.Get()), 1);
  loader_.Hold();
  auto refreshing = std::async(std::launch::async, [this] { return cache_.Refresh(Listing(2)); });
  ASSERT_TRUE(loader_.AwaitStarted(2));
  auto during = std::async(std::launch::async, [this] { return LoadNumber(cache_.Get()); });
  ASSERT_EQ(during.wait_for(5s), std::future_status::ready) << "a caller waited for the refresh's load";
  EXPECT_EQ(during.get(), 1);
  loader_.Release();
  EXPECT_TRUE(refreshing.get().ok());
  EXPECT_EQ(LoadNumber(cache_.Get()), 2);
}

TEST_F(SpecCacheTest, ARefreshOvertakenByAnInvalidateIsNotKept) {
  ASSERT_EQ(LoadNumber(cache_.Get()), 1);
  loader_.Hold();
  auto refreshing = std::async(std::launch::async, [this] { return cache_.Refresh(Listing(2)); });
  ASSERT_TRUE(loader_.AwaitStarted(2));
  cache_.Invalidate();  // its listing may predate what invalidated the cache
  loader_.Release();
  EXPECT_TRUE(refreshing.get().ok());
  EXPECT_EQ(LoadNumber(cache_.Get()), 3) << "specs from a listing older than the Invalidate";
}

TEST_F(SpecCacheTest, AFailedRefreshLeavesTheSpecsAsTheyWere) {
  ASSERT_EQ(LoadNumber(cache_.Get()), 1);
  loader_.FailNextListing();
  EXPECT_EQ(cache_.Refresh(Listing(1)).code(), Code::kUnavailable);
  EXPECT_EQ(LoadNumber(cache_.Get()), 1);
}

TEST_F(SpecCacheTest, WithoutAListingLoaderARefreshInvalidates) {
  SpecCache cache([this] { return loader_.Load(); }, clock_, 2s);
  ASSERT_EQ(LoadNumber(cache.Get()), 1);
  ASSERT_TRUE(cache.Refresh(Listing(4)).ok());
  EXPECT_EQ(LoadNumber(cache.Get()), 2);
  EXPECT_EQ(loader_.from_listing(), 0);
}

TEST_F(SpecCacheTest, AFailedLoadIsReturnedAndTheNextCallerTriesAgain) {
  int calls = 0;
  SpecCache cache(
      [&]() -> StatusOr<StoreContents> {
        if (++calls == 1) return UnavailableError("engine down");
        return StoreContents{};
      },
      clock_, 2s);
  EXPECT_EQ(cache.Get().status().code(), Code::kUnavailable);
  EXPECT_TRUE(cache.Get().ok());
  EXPECT_EQ(calls, 2);
}

}  // namespace
}  // namespace swarmop::reconciler
