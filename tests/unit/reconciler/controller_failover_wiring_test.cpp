// Watch-mode wiring of the EstateReconciler's hooks: adjust_desired (the operator applies the active
// failovers there) and may_write (leader election: only the lease holder writes).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fake_engine.h"
#include "swarmop/engine/counting_engine.h"
#include "swarmop/reconciler/controller/estate_reconciler.h"
#include "swarmop/reconciler/controller/operator_routes.h"
#include "swarmop/reconciler/controller/own_writes.h"
#include "swarmop/reconciler/sites/failover.h"
#include "swarmop/reconciler/store/spec_status.h"
#include "swarmop/reconciler/store/spec_store.h"
#include "swarmop/reconciler/testing/fake_clock.h"

namespace swarmop::reconciler {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

const Request kApi{"Service", "api"};

std::string PartnerSiteYaml(const std::string& name, const std::string& partner) {
  return "apiVersion: swarmop.io/v1alpha1\nkind: Site\nmetadata:\n  name: " + name +
         "\nspec:\n  role: edge\n  nodeSelector: {site: " + name + "}\n  failover: " + partner + "\n";
}

// api: 2 replicas at douala, 3 at yaounde; takes over when a site is lost.
std::string TakeoverServiceYaml() {
  return "apiVersion: swarmop.io/v1alpha1\nkind: Service\nmetadata:\n  name: api\n"
         "spec:\n  image: local/busybox:1\n  command: [sleep, \"3600\"]\n  failover: takeover\n"
         "  sites:\n    douala: {replicas: 2}\n    yaounde: {replicas: 3}\n";
}

// The reconciler under test is built per test, from the options the test gives.
class FailoverWiringTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fake.AddNode("douala-1", {{"site", "douala"}});
    fake.AddNode("yaounde-1", {{"site", "yaounde"}});
    auto applied = store.Apply({crds::SourceFile{"test.yaml", PartnerSiteYaml("douala", "yaounde") + "---\n" +
                                                                  PartnerSiteYaml("yaounde", "douala") +
                                                                  "---\n" + TakeoverServiceYaml()}});
    ASSERT_TRUE(applied.ok()) << applied.status().ToString();
    ASSERT_TRUE(applied->plan.ok()) << crds::FormatDiagnostics(applied->plan.errors);
  }

  // The operator's adjust_desired, over a failover list the test controls.
  EstateReconcilerOptions WithFailovers() {
    EstateReconcilerOptions options;
    options.apply.retry_backoff = std::chrono::milliseconds(1);
    options.adjust_desired = [this](const crds::DesiredState& desired) {
      return ApplyFailover(desired, active).desired;
    };
    return options;
  }

  void ReconcileApi(EstateReconcilerOptions options) {
    EstateReconciler reconciler{counting, specs, status, &metrics, clock, std::move(options)};
    auto result = reconciler.Reconcile(kApi);
    ASSERT_TRUE(result.ok()) << result.status().ToString();
  }

  uint64_t Replicas(const std::string& service) {
    auto found = fake.FindService(service);
    return found ? found->spec.mode.replicas : 0;
  }

  std::vector<ActiveFailover> active;
  swarmop::testing::FakeEngine fake;
  engine::CountingEngine counting{&fake};
  FakeClock clock;
  SpecStore store{counting};
  SpecCache specs{[this] { return store.Load(); }, clock, std::chrono::milliseconds(0)};
  OwnWrites own_writes{clock};
  Metrics metrics;
  StatusReporter status{store, counting, own_writes};
};

TEST_F(FailoverWiringTest, WithoutAnActiveFailoverEachSiteRunsItsOwnReplicas) {
  ReconcileApi(WithFailovers());
  EXPECT_EQ(Replicas("api-douala"), 2u);
  EXPECT_EQ(Replicas("api-yaounde"), 3u);
}

TEST_F(FailoverWiringTest, AnActiveTakeoverGivesThePartnerTheDarkSitesReplicas) {
  active = {{"douala", "yaounde"}};
  ReconcileApi(WithFailovers());
  EXPECT_EQ(Replicas("api-yaounde"), 5u) << "3 of its own + douala's 2";
  EXPECT_EQ(Replicas("api-douala"), 2u) << "the dark site's service is left as it is";
}

TEST_F(FailoverWiringTest, TheFailbackReturnsThePartnerToItsOwnCount) {
  active = {{"douala", "yaounde"}};
  ReconcileApi(WithFailovers());
  ASSERT_EQ(Replicas("api-yaounde"), 5u);
  active.clear();
  ReconcileApi(WithFailovers());
  EXPECT_EQ(Replicas("api-yaounde"), 3u);
}

TEST_F(FailoverWiringTest, WithoutAdjustTheStoredSpecsArePlanned) {
  active = {{"douala", "yaounde"}};  // ignored: no adjust_desired
  EstateReconcilerOptions options;
  options.apply.retry_backoff = std::chrono::milliseconds(1);
  ReconcileApi(options);
  EXPECT_EQ(Replicas("api-yaounde"), 3u);
}

TEST_F(FailoverWiringTest, AReplicaThatMayNotWriteWritesNothing) {
  uint64_t before = counting.Writes();
  EstateReconcilerOptions options = WithFailovers();
  options.may_write = [] { return false; };
  ReconcileApi(options);
  EXPECT_EQ(counting.Writes(), before);
  EXPECT_THAT(fake.FindService("api-douala"), ::testing::Eq(std::nullopt));
}

TEST_F(FailoverWiringTest, AReplicaThatLosesTheLeaseMidReconcileAppliesNothing) {
  uint64_t before = counting.Writes();
  int asked = 0;
  EstateReconcilerOptions options = WithFailovers();
  options.may_write = [&asked] { return ++asked == 1; };  // leading at the start only
  ReconcileApi(options);
  EXPECT_GT(asked, 1) << "asked again before the writes";
  std::vector<std::string> writes = counting.WriteLog();
  writes.erase(writes.begin(), writes.begin() + static_cast<long>(before));
  EXPECT_THAT(writes, IsEmpty());
}

// The api spec's config labels, as `docker config inspect` shows them.
std::map<std::string, std::string> SpecLabels(SpecStore& store) {
  auto contents = store.Load();
  if (!contents.ok()) return {};
  const StoredSpec* api = contents->Find(crds::Kind::kService, "api");
  return api ? api->labels : std::map<std::string, std::string>{};
}

TEST_F(FailoverWiringTest, AnActiveTakeoverShowsAsAFailedOverConditionOnTheSpec) {
  active = {{"douala", "yaounde"}};
  EstateReconcilerOptions options = WithFailovers();
  options.failover_of = [](const Request& key) {
    return key == kApi ? "api: yaounde runs douala's 2 replicas too (3 -> 5)" : "";
  };
  ReconcileApi(options);
  std::optional<SpecStatus> published = status.Get(kApi);
  ASSERT_TRUE(published.has_value());
  const Condition* failed_over = published->Find(kConditionFailedOver);
  ASSERT_NE(failed_over, nullptr);
  EXPECT_TRUE(failed_over->status);
  EXPECT_EQ(failed_over->reason, "Takeover");
  EXPECT_EQ(published->Headline().type, kConditionProgressing) << "a takeover is not a degradation";
  std::map<std::string, std::string> labels = SpecLabels(store);
  EXPECT_EQ(labels[status_labels::kFailedOver], "True");
  EXPECT_THAT(labels[status_labels::kFailover], HasSubstr("yaounde runs douala's 2 replicas"));
}

TEST_F(FailoverWiringTest, TheFailedOverConditionAndItsLabelsGoWithTheFailback) {
  active = {{"douala", "yaounde"}};
  std::string effect = "api: yaounde runs douala's 2 replicas too (3 -> 5)";
  EstateReconcilerOptions options = WithFailovers();
  options.failover_of = [&effect](const Request&) { return effect; };
  ReconcileApi(options);
  ASSERT_EQ(SpecLabels(store).count(status_labels::kFailedOver), 1u);
  active.clear();
  effect.clear();
  ReconcileApi(options);
  EXPECT_EQ(status.Get(kApi)->Find(kConditionFailedOver), nullptr);
  std::map<std::string, std::string> labels = SpecLabels(store);
  EXPECT_EQ(labels.count(status_labels::kFailedOver), 0u);
  EXPECT_EQ(labels.count(status_labels::kFailover), 0u);
}

TEST_F(FailoverWiringTest, ASiteThatIsDownReadsDegradedWithTheMonitorsReasonAndConvergedOnceBack) {
  const Request douala{"Site", "douala"};
  std::pair<std::string, std::string> down{"SiteUnreachable", "site douala is Unreachable: 0/1 nodes ready"};
  EstateReconcilerOptions options = WithFailovers();
  options.site_down = [&down](const std::string& site) {
    return site == "douala" ? down : std::pair<std::string, std::string>{};
  };
  EstateReconciler reconciler{counting, specs, status, &metrics, clock, options};
  for (int pass = 0; pass < 2; ++pass) ASSERT_TRUE(reconciler.Reconcile(douala).ok());
  std::optional<SpecStatus> dark = status.Get(douala);
  ASSERT_TRUE(dark.has_value());
  EXPECT_EQ(dark->Headline().type, kConditionDegraded);
  EXPECT_EQ(dark->Headline().reason, "SiteUnreachable");
  EXPECT_THAT(dark->Headline().message, HasSubstr("0/1 nodes ready"));

  down = {};
  ASSERT_TRUE(reconciler.Reconcile(douala).ok());
  EXPECT_EQ(status.Get(douala)->Headline().reason, "Converged");
}

TEST(StatusJsonSites, SitesFailoverAndWarningsAppearWithASnapshot) {
  SiteSnapshot snapshot;
  snapshot.health = {{"douala", {SiteHealthState::kUnreachable, "0/1 nodes ready", 0, 1}, {}, {}},
                     {"yaounde", {SiteHealthState::kReady, "1/1 nodes ready", 1, 1}, {}, {}}};
  snapshot.active = {{"douala", "yaounde"}};
  snapshot.failovers = 1;
  snapshot.placement = ManagerPlacement{};
  snapshot.placement->warnings = {"a single manager"};
  StatusDocument document;
  document.sites = snapshot;
  std::string json = ToJson(document);
  EXPECT_THAT(json, HasSubstr(R"("name": "douala")"));
  EXPECT_THAT(json, HasSubstr(R"("health": "Unreachable")"));
  EXPECT_THAT(json, HasSubstr(R"("partner": "yaounde")"));
  EXPECT_THAT(json, HasSubstr(R"("failovers": 1)"));
  EXPECT_THAT(json, HasSubstr(R"("failbacks": 0)"));
  EXPECT_THAT(json, HasSubstr("a single manager"));
}

TEST(StatusJsonSites, NoSnapshotNoSitesFields) {
  EXPECT_THAT(ToJson(StatusDocument{}), Not(HasSubstr("sites")));
}

}  // namespace
}  // namespace swarmop::reconciler
