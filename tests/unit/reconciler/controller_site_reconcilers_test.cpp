// SiteReconcilers and LastGoodSpecs against fake swarms: the specs live in a "cloud" FakeEngine (the
// operator's swarm), each separate-swarm site is its own FakeEngine reached through the connector.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <thread>

#include "eventually.h"
#include "fake_engine.h"
#include "swarmop/engine/counting_engine.h"
#include "swarmop/reconciler/controller/operator_routes.h"
#include "swarmop/reconciler/controller/own_writes.h"
#include "swarmop/reconciler/controller/site_reconcilers.h"
#include "swarmop/reconciler/store/spec_store.h"

namespace swarmop::reconciler {
namespace {

using namespace std::chrono_literals;
using swarmop::testing::FakeEngine;

std::string SeparateSiteYaml(const std::string& name) {
  return "apiVersion: swarmop.io/v1alpha1\nkind: Site\nmetadata:\n  name: " + name +
         "\nspec:\n  role: edge\n  engine: {host: \"tcp://" + name + ":2375\"}\n---\n";
}

const char* kAppYaml =
    "apiVersion: swarmop.io/v1alpha1\nkind: Service\nmetadata:\n  name: app\nspec:\n"
    "  image: local/busybox:1\n  command: [sleep, \"3600\"]\n"
    "  sites:\n    douala: {replicas: 1}\n    yaounde: {replicas: 1}\n";

// Polls every 10 ms (tests/support/eventually.h).
bool Eventually(const std::function<bool()>& pred, std::chrono::milliseconds limit = 5s) {
  return testsupport::Eventually(pred, limit, 10ms);
}

bool Has(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

class SiteReconcilersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto applied =
        store_.Apply({{"estate.yaml", SeparateSiteYaml("douala") + SeparateSiteYaml("yaounde") + kAppYaml}});
    ASSERT_TRUE(applied.ok()) << applied.status().ToString();
    ASSERT_TRUE(applied->plan.ok()) << applied->plan.errors.front().message;
  }

  SiteReconcilersOptions Options() {
    SiteReconcilersOptions options;
    options.interval = 20ms;
    options.controller.workers = 1;
    options.controller.resync = 100ms;
    options.controller.watch_events = false;
    options.controller.backoff = {10ms, 50ms};
    options.connect = [this](const engine::Endpoint& endpoint) -> StatusOr<std::unique_ptr<engine::Engine>> {
      if (endpoint.host == "yaounde" && yaounde_dark_) return UnavailableError("yaounde: no route to host");
      FakeEngine* site = endpoint.host == "douala" ? &douala_ : &yaounde_;
      return std::unique_ptr<engine::Engine>(std::make_unique<engine::CountingEngine>(site));
    };
    return options;
  }

  FakeEngine cloud_, douala_, yaounde_;
  std::atomic<bool> yaounde_dark_{false};
  SpecStore store_{cloud_};
  SpecCache specs_{[this] { return store_.Load(); }, SystemClock(), 20ms};
  LastGoodSpecs last_good_{specs_, 20ms};
  OwnWrites own_writes_;
  StatusReporter status_{store_, cloud_, own_writes_};
};

TEST_F(SiteReconcilersTest, EachSiteGetsItsServiceOnItsOwnSwarmAndADarkSiteHoldsUpNoOther) {
  yaounde_dark_ = true;
  SiteReconcilers loops(last_good_, status_, Options());
  loops.Start();
  EXPECT_TRUE(Eventually([&] { return Has(douala_.ServiceNames(), "app-douala"); }));
  EXPECT_FALSE(Has(douala_.ServiceNames(), "app-yaounde"));
  EXPECT_TRUE(yaounde_.ServiceNames().empty());
  for (const std::string& name : cloud_.ServiceNames()) ADD_FAILURE() << name << " landed on the cloud";

  yaounde_dark_ = false;  // back: its own loop catches up
  EXPECT_TRUE(Eventually([&] { return Has(yaounde_.ServiceNames(), "app-yaounde"); }));
  EXPECT_FALSE(Has(yaounde_.ServiceNames(), "app-douala"));
  std::vector<SiteReconcileState> states = loops.States();
  ASSERT_EQ(states.size(), 2u);
  EXPECT_EQ(states[0].site, "douala");
  EXPECT_TRUE(Eventually([&] { return loops.States()[0].ready; }));
  loops.Stop();
}

TEST_F(SiteReconcilersTest, SitesAreNeitherPrunedNorStoppedWhileTheSpecsCannotBeRead) {
  SiteReconcilers loops(last_good_, status_, Options());
  loops.Start();
  ASSERT_TRUE(Eventually([&] { return Has(douala_.ServiceNames(), "app-douala"); }));
  cloud_.FailNext("list configs", 1000000, UnavailableError("cloud: no route to host"));
  std::this_thread::sleep_for(300ms);  // several resyncs of every loop on specs that cannot be read
  ASSERT_TRUE(douala_.RemoveService("app-douala").ok());  // still repaired, from the last specs loaded
  douala_.ClearWriteLog();
  EXPECT_TRUE(Eventually([&] { return Has(douala_.ServiceNames(), "app-douala"); }));
  std::this_thread::sleep_for(200ms);
  for (const std::string& write : douala_.WriteLog()) {
    EXPECT_EQ(write.find("remove"), std::string::npos) << write;
  }
  EXPECT_TRUE(Has(yaounde_.ServiceNames(), "app-yaounde"));
  loops.Stop();
}

TEST_F(SiteReconcilersTest, ASpecChangeReachesTheSitesWithoutAnEventFromTheirSwarms) {
  auto options = Options();
  options.controller.resync = 1h;  // only the spec fingerprint can trigger the second pass
  SiteReconcilers loops(last_good_, status_, options);
  loops.Start();
  ASSERT_TRUE(Eventually([&] { return Has(douala_.ServiceNames(), "app-douala"); }));
  std::string scaled = kAppYaml;
  scaled.replace(scaled.find("douala: {replicas: 1}"), 21, "douala: {replicas: 3}");
  auto applied = store_.Apply({{"app.yaml", scaled}});
  ASSERT_TRUE(applied.ok() && applied->plan.ok());
  EXPECT_TRUE(Eventually([&] {
    auto service = douala_.FindService("app-douala");
    return service && service->spec.mode.replicas == 3u;
  }));
  loops.Stop();
}

// The spec's one status (the local reconciler's) waits for the separate sites: Converged only once every
// site it is placed at has converged, and a dark site is named in the message meanwhile.
TEST_F(SiteReconcilersTest, ASpecIsConvergedOnlyOnceEverySeparateSiteIsAndADarkSiteIsNamed) {
  const Request app{"Service", "app"};
  SiteOutcomes outcomes;
  EstateReconcilerOptions local_options;
  local_options.site_outcomes = &outcomes;
  Metrics metrics;
  EstateReconciler local(cloud_, specs_, status_, &metrics, SystemClock(), local_options);
  auto local_reason = [&] {
    EXPECT_TRUE(local.Reconcile(app).ok());
    auto status = status_.Get(app);
    return status ? status->Headline().reason + ": " + status->Headline().message : std::string("none");
  };
  EXPECT_THAT(local_reason(), ::testing::HasSubstr("douala: not reconciled yet"));

  yaounde_dark_ = true;
  auto options = Options();
  options.reconcile.site_outcomes = &outcomes;
  SiteReconcilers loops(last_good_, status_, options);
  loops.Start();
  ASSERT_TRUE(Eventually([&] { return Has(douala_.ServiceNames(), "app-douala"); }));
  EXPECT_TRUE(Eventually([&] {
    std::string reason = local_reason();
    return reason.find("WaitingForSites") == 0 && reason.find("yaounde: ") != std::string::npos &&
           reason.find("douala") == std::string::npos;
  })) << local_reason();
  // (A site whose engine cannot be reached never gets as far as reconciling a key: "not reconciled yet".)

  yaounde_dark_ = false;
  EXPECT_TRUE(Eventually([&] { return local_reason().find("Converged") == 0; })) << local_reason();
  loops.Stop();
}

TEST(LastGoodSpecs, ServesTheLastSpecsLoadedWhenALoadFailsAndFailsOnlyBeforeTheFirst) {
  std::atomic<bool> fail{true};
  SpecCache cache(
      [&]() -> StatusOr<StoreContents> {
        if (fail) return UnavailableError("dark");
        return StoreContents{};
      },
      SystemClock(), 0ms);
  LastGoodSpecs last(cache, 0ms);
  EXPECT_EQ(last.Get().status().code(), Code::kUnavailable);
  fail = false;
  auto first = last.Get();
  ASSERT_TRUE(first.ok());
  fail = true;
  auto again = last.Get();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->get(), first->get());
}

TEST(StatusDocument, ListsTheSiteLoopsOnlyWhenThereAreAny) {
  EXPECT_THAT(ToJson(StatusDocument{}), ::testing::Not(::testing::HasSubstr("siteReconcilers")));
  StatusDocument document;
  document.site_reconcilers = {{"douala", "tcp://douala:2375", true, true, 0, 3}};
  std::string json = ToJson(document);
  EXPECT_THAT(json, ::testing::HasSubstr("\"siteReconcilers\""));
  EXPECT_THAT(json, ::testing::HasSubstr("\"endpoint\": \"tcp://douala:2375\""));
  EXPECT_THAT(json, ::testing::HasSubstr("\"resyncs\": 3"));
}

TEST(SiteLoopMetricsText, HasOneSeriesPerSiteAndNothingWithoutLoops) {
  EXPECT_EQ(SiteLoopMetricsText({}), "");
  std::string text = SiteLoopMetricsText({{"douala", "tcp://douala:2375", true, false, 2, 7}});
  EXPECT_THAT(text, ::testing::HasSubstr("swarmop_site_loop_ready{site=\"douala\"} 1\n"));
  EXPECT_THAT(text, ::testing::HasSubstr("swarmop_site_loop_engine_reachable{site=\"douala\"} 0\n"));
  EXPECT_THAT(text, ::testing::HasSubstr("swarmop_site_loop_queue_depth{site=\"douala\"} 2\n"));
  EXPECT_THAT(text, ::testing::HasSubstr("# TYPE swarmop_site_loop_resyncs_total counter\n"));
  EXPECT_THAT(text, ::testing::HasSubstr("swarmop_site_loop_resyncs_total{site=\"douala\"} 7\n"));
}

}  // namespace
}  // namespace swarmop::reconciler
