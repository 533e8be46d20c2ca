// ActualCache on the fake engine: filled by listings, kept current by events (one inspect each) and by the
// answers of writes, healed by the next fill when an event is lost; and the EstateReconciler reading it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>

#include "controller_test_specs.h"
#include "fake_engine.h"
#include "swarmop/engine/counting_engine.h"
#include "swarmop/reconciler/cache/actual_cache.h"
#include "swarmop/reconciler/controller/estate_reconciler.h"
#include "swarmop/reconciler/controller/key_lister.h"
#include "swarmop/reconciler/controller/own_writes.h"
#include "swarmop/reconciler/core/labels.h"
#include "swarmop/reconciler/store/spec_store.h"
#include "swarmop/reconciler/testing/fake_clock.h"

namespace swarmop::reconciler {
namespace {

using ::testing::Contains;
using ::testing::Not;
using testing::ServiceYaml;
using testing::SiteYaml;
using ::testing::StartsWith;

const Request kApi{"Service", "api"};
const Request kWeb{"Service", "web"};
const Request kSite{"Site", "douala"};

// A CountingEngine whose next service listing runs `hook` after the engine answered and before the caller
// sees the answer: a change made then is newer than the listing.
class HookedEngine : public engine::CountingEngine {
 public:
  using engine::CountingEngine::CountingEngine;
  std::function<void()> after_next_service_list;
  StatusOr<std::vector<engine::Service>> ListServices(const engine::ListFilter& filter) override {
    auto listed = engine::CountingEngine::ListServices(filter);
    if (after_next_service_list) std::exchange(after_next_service_list, nullptr)();
    return listed;
  }
};

engine::Event MakeEvent(const std::string& type, const std::string& action, const std::string& id,
                        const std::string& name) {
  engine::Event event;
  event.type = type;
  event.action = action;
  event.actor.id = id;
  event.actor.attributes["name"] = name;
  return event;
}

class ActualCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fake.AddNode("testbed", {{"site", "douala"}});
    auto applied = store.Apply({crds::SourceFile{
        "test.yaml", SiteYaml() + "---\n" + ServiceYaml("api", 2) + "---\n" + ServiceYaml("web", 1)}});
    ASSERT_TRUE(applied.ok()) << applied.status().ToString();
    ASSERT_TRUE(Fill().ok());
    for (int pass = 0; pass < 2; ++pass) {
      for (const Request& key : {kSite, kApi, kWeb}) ASSERT_TRUE(reconciler.Reconcile(key).ok());
    }
  }

  Status Fill() { return cache.Fill(counting); }

  // What the cache holds for the api service (replicas), as a key's plan would read it.
  std::optional<uint64_t> CachedReplicas(const std::string& service) {
    RenderedState desired;
    ActualState actual = cache.Gather(desired, GatherScope{});
    for (const engine::Service& s : actual.services) {
      if (s.spec.name == service) return s.spec.mode.replicas;
    }
    return std::nullopt;
  }

  void Scale(const std::string& service, uint64_t replicas) {
    engine::Service s = *fake.FindService(service);
    s.spec.mode.replicas = replicas;
    ASSERT_TRUE(fake.UpdateService(s.id, s.version, s.spec).ok());
  }

  EstateReconcilerOptions CachedOptions() {
    EstateReconcilerOptions options;
    options.apply.retry_backoff = std::chrono::milliseconds(1);
    options.cache = &cache;
    return options;
  }

  swarmop::testing::FakeEngine fake;
  HookedEngine counting{&fake};
  FakeClock clock;
  SpecStore store{counting};
  SpecCache specs{[this] { return store.Load(); }, clock, std::chrono::hours(1),
                  [this](const std::vector<engine::Config>& configs) { return store.LoadFrom(configs); }};
  OwnWrites own_writes{clock};
  StatusReporter status{store, counting, own_writes};
  ActualCache cache;
  EstateReconciler reconciler{counting, specs, status, nullptr, clock, CachedOptions()};
};

TEST_F(ActualCacheTest, AFillHoldsEveryOwnedObjectAndTheOwnersTheirLabelsName) {
  EXPECT_TRUE(cache.Filled());
  EXPECT_EQ(CachedReplicas("api-douala"), 2u);
  EXPECT_EQ(CachedReplicas("web-douala"), 1u);
  EXPECT_THAT(cache.Owners(), Contains(kApi));
  EXPECT_THAT(cache.Owners(), Contains(kWeb));
  EXPECT_EQ(OwnerIndex::Find(cache.Index().services, "api-douala"), kApi);
}

TEST_F(ActualCacheTest, AKeysGatherHoldsOnlyTheObjectsThatKeyOwns) {
  RenderedState desired;
  ActualState actual = cache.Gather(desired, GatherScope{kApi});
  ASSERT_EQ(actual.services.size(), 1u);
  EXPECT_EQ(actual.services[0].spec.name, "api-douala");
  EXPECT_FALSE(actual.networks.empty()) << "networks are few and shared: every key sees them all";
}

TEST_F(ActualCacheTest, AServiceEventIsLearnedWithOneInspectAndNoListing) {
  Scale("api-douala", 5);
  counting.Reset();
  LearnedEvent learned =
      cache.Learn(counting, MakeEvent("service", "update", fake.FindService("api-douala")->id, "api-douala"));
  EXPECT_EQ(learned.owner, kApi);
  EXPECT_EQ(CachedReplicas("api-douala"), 5u);
  EXPECT_EQ(counting.Count("inspect service"), 1u);
  EXPECT_EQ(counting.Count("list services"), 0u);
}

TEST_F(ActualCacheTest, ARemoveEventForgetsTheServiceAndStillNamesItsOwner) {
  std::string id = fake.FindService("web-douala")->id;
  ASSERT_TRUE(fake.RemoveService(id).ok());
  LearnedEvent learned = cache.Learn(counting, MakeEvent("service", "remove", id, "web-douala"));
  EXPECT_EQ(learned.owner, kWeb);
  EXPECT_EQ(CachedReplicas("web-douala"), std::nullopt);
  EXPECT_THAT(cache.Owners(), Not(Contains(kWeb)));
}

TEST_F(ActualCacheTest, ALostEventIsHealedByTheNextFill) {
  Scale("api-douala", 7);  // no event reaches the cache
  EXPECT_EQ(CachedReplicas("api-douala"), 2u) << "the cache cannot know yet";
  ASSERT_TRUE(Fill().ok());
  EXPECT_EQ(CachedReplicas("api-douala"), 7u);
}

// Task counts are not part of a service's version: a Fill at the same version still takes the listed ones.
TEST_F(ActualCacheTest, AFillAtTheSameVersionTakesTheListedTaskCounts) {
  auto running = [this](const std::string& name) -> std::optional<uint64_t> {
    for (const engine::Service& s : cache.Gather(RenderedState{}, GatherScope{}).services) {
      if (s.spec.name == name && s.service_status) return s.service_status->running_tasks;
    }
    return std::nullopt;
  };
  ASSERT_EQ(running("api-douala"), 2u);
  fake.SetConverged(false);  // the tasks stop; no service changes version
  ASSERT_TRUE(Fill().ok());
  EXPECT_EQ(running("api-douala"), 0u);
  EXPECT_EQ(CachedReplicas("api-douala"), 2u);
}

TEST_F(ActualCacheTest, AServiceRemovedWithoutAnEventIsDroppedByTheNextFill) {
  ASSERT_TRUE(fake.RemoveService(fake.FindService("web-douala")->id).ok());  // no event reaches the cache
  ASSERT_TRUE(Fill().ok());
  EXPECT_EQ(CachedReplicas("web-douala"), std::nullopt);
  EXPECT_EQ(CachedReplicas("api-douala"), 2u);
  EXPECT_THAT(cache.Owners(), Not(Contains(kWeb)));
}

TEST_F(ActualCacheTest, AChangeLearnedWhileAFillListsIsNotUndoneByThatOlderListing) {
  counting.after_next_service_list = [this] {
    Scale("api-douala", 4);
    cache.Learn(counting, MakeEvent("service", "update", fake.FindService("api-douala")->id, "api-douala"));
  };
  ASSERT_TRUE(Fill().ok());
  EXPECT_EQ(CachedReplicas("api-douala"), 4u);
}

TEST_F(ActualCacheTest, AWriteIsReflectedFromItsAnswerBeforeAnyEventOrFill) {
  Scale("api-douala", 3);
  ASSERT_TRUE(
      cache.Learn(counting, MakeEvent("service", "update", fake.FindService("api-douala")->id, "api-douala"))
          .owner.has_value());
  ASSERT_TRUE(reconciler.Reconcile(kApi).ok());  // reverts 3 -> 2; no event is delivered
  EXPECT_EQ(fake.FindService("api-douala")->spec.mode.replicas, 2u);
  EXPECT_EQ(CachedReplicas("api-douala"), 2u) << "re-read after the update's answer";
  fake.ClearWriteLog();
  ASSERT_TRUE(reconciler.Reconcile(kApi).ok());
  for (const std::string& write : fake.WriteLog()) {
    EXPECT_THAT(write, Not(StartsWith("update service")))
        << "the next reconcile plans from the written state";
  }
}

TEST_F(ActualCacheTest, ACreatedServiceIsRoutedToItsOwnerFromTheCacheAndARemovedOneForgotten) {
  auto applied = store.Apply({crds::SourceFile{"more.yaml", ServiceYaml("extra", 1)}});
  ASSERT_TRUE(applied.ok());
  specs.Invalidate();
  ASSERT_TRUE(reconciler.Reconcile(Request{"Service", "extra"}).ok());
  EXPECT_EQ(CachedReplicas("extra-douala"), 1u);
  EXPECT_THAT(cache.Owners(), Contains(Request{"Service", "extra"}));
}

// The specs are loaded from the Fill's own config listing: one listing of each kind per resync.
TEST_F(ActualCacheTest, ASteadyResyncListsOnlyInTheFillNeverPerKey) {
  EstateKeyLister keys(counting, specs, &cache);
  counting.Reset();
  auto snapshot = keys.ListKeys();
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  EXPECT_THAT(snapshot->keys, Contains(kApi));
  EXPECT_THAT(snapshot->keys, Contains(kSite));
  for (const Request& key : snapshot->keys) ASSERT_TRUE(reconciler.Reconcile(key).ok()) << key.ToString();
  EXPECT_EQ(counting.Count("list services"), 1u);
  EXPECT_EQ(counting.Count("list configs"), 1u);
  EXPECT_EQ(counting.Count("list networks"), 1u);
  EXPECT_EQ(counting.Count("list secrets"), 1u);
  EXPECT_EQ(counting.Writes(), 0u) << ::testing::PrintToString(counting.WriteLog());
}

TEST_F(ActualCacheTest, AManualScaleSeenThroughItsEventIsReverted) {
  Scale("web-douala", 6);
  LearnedEvent learned =
      cache.Learn(counting, MakeEvent("service", "update", fake.FindService("web-douala")->id, "web-douala"));
  ASSERT_EQ(learned.owner, kWeb);
  ASSERT_TRUE(reconciler.Reconcile(*learned.owner).ok());
  EXPECT_EQ(fake.FindService("web-douala")->spec.mode.replicas, 1u);
}

TEST_F(ActualCacheTest, ASpecRemovedPrunesItsServicesFromTheCacheToo) {
  auto contents = store.Load();
  ASSERT_TRUE(contents.ok());
  const StoredSpec* web = (*contents).Find(crds::Kind::kService, "web");
  ASSERT_NE(web, nullptr);
  ASSERT_TRUE(fake.RemoveConfig(web->config_id).ok());
  specs.Invalidate();
  ASSERT_TRUE(reconciler.Reconcile(kWeb).ok());
  EXPECT_FALSE(fake.FindService("web-douala").has_value());
  EXPECT_EQ(CachedReplicas("web-douala"), std::nullopt);
}

// The cache's generation moves with what a plan could read, and only with that.
TEST_F(ActualCacheTest, TheGenerationMovesWithWhatAPlanReadsNotWithStatusLabelsOrTheSameListing) {
  ASSERT_TRUE(Fill().ok());
  uint64_t before = cache.Generation();
  ASSERT_TRUE(Fill().ok());
  EXPECT_EQ(cache.Generation(), before) << "a listing of the very same objects";
  ASSERT_TRUE(
      store.SetStatusLabels(crds::Kind::kService, "api", {{"io.swarmop.status.ready", "False"}}).ok());
  ASSERT_TRUE(Fill().ok());
  EXPECT_EQ(cache.Generation(), before) << "a status write on a stored spec is the spec cache's business";
  Scale("api-douala", 3);
  ASSERT_TRUE(Fill().ok());
  EXPECT_GT(cache.Generation(), before);
  before = cache.Generation();
  fake.SetConverged(false);  // the tasks stop; no service changes version
  ASSERT_TRUE(Fill().ok());
  EXPECT_GT(cache.Generation(), before) << "task counts are read by a plan too";
}

// Watch mode's resync of thousands of Services: a key found Converged answers without planning until
// something it was planned from changes; then it is planned (and converged) again.
TEST_F(ActualCacheTest, ASteadyServiceKeyAnswersWithoutPlanningUntilTheCacheChanges) {
  ASSERT_TRUE(Fill().ok());  // a resync's listing, nothing changed
  auto steady = reconciler.Reconcile(kApi);
  ASSERT_TRUE(steady.ok());
  EXPECT_TRUE(steady->steady);
  EXPECT_TRUE(reconciler.Reconcile(kWeb)->steady);

  Scale("api-douala", 5);  // no event: the next resync's listing shows it
  ASSERT_TRUE(Fill().ok());
  auto reverted = reconciler.Reconcile(kApi);
  ASSERT_TRUE(reverted.ok());
  EXPECT_FALSE(reverted->steady);
  EXPECT_EQ(fake.FindService("api-douala")->spec.mode.replicas, 2u) << "planned, so reverted";
  EXPECT_FALSE(reconciler.Reconcile(kWeb)->steady) << "any change plans every key once";

  // The requeue after the apply finds it Converged (re-listing its task counts on the way, a change to the
  // cache too); it is steady again within a reconcile or two.
  int plans = 0;
  while (!reconciler.Reconcile(kApi)->steady && plans < 5) ++plans;
  EXPECT_GE(plans, 1);
  EXPECT_LE(plans, 2);
}

TEST_F(ActualCacheTest, TasksThatStopMakeASteadyKeyPlannedAndProgressingAgain) {
  ASSERT_TRUE(reconciler.Reconcile(kApi)->steady);
  fake.SetConverged(false);  // no service changes version
  ASSERT_TRUE(Fill().ok());
  auto waiting = reconciler.Reconcile(kApi);
  ASSERT_TRUE(waiting.ok());
  EXPECT_FALSE(waiting->steady);
  EXPECT_GT(waiting->requeue_after.count(), 0) << "waiting for its tasks";
  EXPECT_FALSE(reconciler.Reconcile(kApi)->steady) << "Progressing keys are planned every time";
}

TEST_F(ActualCacheTest, ANewLoadOfTheSpecsPlansASteadyKeyAgain) {
  ASSERT_TRUE(reconciler.Reconcile(kApi)->steady);
  ASSERT_TRUE(reconciler.Reconcile(kSite)->steady);
  specs.Invalidate();  // a config event: the specs are loaded again
  EXPECT_FALSE(reconciler.Reconcile(kApi)->steady);
  EXPECT_TRUE(reconciler.Reconcile(kApi)->steady);
  EXPECT_FALSE(reconciler.Reconcile(kSite)->steady);
  EXPECT_TRUE(reconciler.Reconcile(kSite)->steady);
}

// A Site's status also reads the site monitor: another verdict on its site plans it again (and a site that
// is down is Degraded, which is never steady).
TEST_F(ActualCacheTest, ASteadySiteKeyIsPlannedAgainWhenTheMonitorsVerdictChanges) {
  std::pair<std::string, std::string> verdict;
  EstateReconcilerOptions options = CachedOptions();
  options.site_down = [&verdict](const std::string&) { return verdict; };
  EstateReconciler watched{counting, specs, status, nullptr, clock, options};
  ASSERT_FALSE(watched.Reconcile(kSite)->steady);
  ASSERT_FALSE(watched.Reconcile(kApi)->steady);
  ASSERT_TRUE(watched.Reconcile(kSite)->steady);

  verdict = {"SiteUnreachable", "site douala is Unreachable: 0/1 nodes ready"};
  EXPECT_FALSE(watched.Reconcile(kSite)->steady);
  EXPECT_EQ(status.Get(kSite)->Headline().reason, "SiteUnreachable");
  EXPECT_FALSE(watched.Reconcile(kSite)->steady) << "Degraded keys are planned every time";

  verdict = {};
  EXPECT_FALSE(watched.Reconcile(kSite)->steady);
  EXPECT_EQ(status.Get(kSite)->Headline().reason, "Converged");
  EXPECT_TRUE(watched.Reconcile(kSite)->steady);
  EXPECT_TRUE(watched.Reconcile(kApi)->steady) << "Service keys do not read the monitor";
}

}  // namespace
}  // namespace swarmop::reconciler
