#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "swarmop/engine/testing/mock_engine.h"
#include "swarmop/reconciler/controller/operator_routes.h"
#include "swarmop/reconciler/testing/fake_clock.h"

namespace swarmop::reconciler {
namespace {

using ::testing::HasSubstr;

class NoKeys : public KeyLister {
 public:
  StatusOr<KeySnapshot> ListKeys() override { return UnavailableError("engine down"); }
};

class NeverCalled : public Reconciler {
 public:
  StatusOr<Result> Reconcile(const Request&) override { return Result{}; }
};

TEST(OperatorRoutes, HealthIsOkAndReadinessWaitsForTheEngineAndTheFirstReconcile) {
  ::testing::NiceMock<engine::testing::MockEngine> engine;
  NeverCalled reconciler;
  NoKeys keys;
  OwnWrites own_writes;
  Metrics metrics;
  ::testing::NiceMock<engine::testing::MockEngine> unused;
  Controller controller(engine, reconciler, keys, own_writes, &metrics);
  SpecStore store(unused);
  StatusReporter status(store, unused, own_writes);
  HttpRoutes routes = OperatorRoutes({controller, status, metrics, nullptr});
  EXPECT_EQ(routes.at("/healthz")().status, 200);
  HttpResponse ready = routes.at("/readyz")();
  EXPECT_EQ(ready.status, 503);
  EXPECT_EQ(ready.body, "engine unreachable\n");
  EXPECT_THAT(routes.at("/metrics")().body, HasSubstr("swarmop_queue_depth 0"));
  HttpResponse json = routes.at("/api/v1/status")();
  EXPECT_EQ(json.content_type, "application/json");
  EXPECT_THAT(json.body, HasSubstr("\"lastResync\": null"));
}

TEST(OperatorRoutes, StatusJsonListsEachSpecsConditions) {
  FakeClock clock;
  StatusDocument document;
  document.specs = {
      DegradedStatus(Request{"Service", "api"}, "h1", "InvalidSpec", "config:x:3:1: bad", clock.WallNow())};
  document.queue_depth = 2;
  document.last_resync = clock.WallNow();
  std::string json = ToJson(document);
  EXPECT_THAT(json, HasSubstr("\"kind\": \"Service\""));
  EXPECT_THAT(json, HasSubstr("\"type\": \"Degraded\""));
  EXPECT_THAT(json, HasSubstr("\"reason\": \"InvalidSpec\""));
  EXPECT_THAT(json, HasSubstr("\"queueDepth\": 2"));
  EXPECT_THAT(json, HasSubstr("\"lastResync\": \"2026-01-01T00:00:00Z\""));
}

TEST(OperatorRoutes, AFollowersStatusIsValidJsonWhateverItsLeadersHolderNameHolds) {
  // The holder comes from the lease, which any process that can write a Swarm config may set.
  const std::string json = FollowerStatusJson("evil\"host\\:1\n");
  // Indented like the leader's document (ToJson), which clients and tests read the same way.
  EXPECT_EQ(json, "{\n  \"holder\": \"evil\\\"host\\\\:1\\n\",\n  \"leading\": false\n}\n");
}

}  // namespace
}  // namespace swarmop::reconciler
