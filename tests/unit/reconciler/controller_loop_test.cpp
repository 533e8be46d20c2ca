#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <deque>
#include <functional>
#include <thread>

#include "controller_test_specs.h"
#include "eventually.h"
#include "fake_engine.h"
#include "swarmop/engine/counting_engine.h"
#include "swarmop/engine/testing/mock_engine.h"
#include "swarmop/reconciler/controller/controller.h"
#include "swarmop/reconciler/controller/estate_reconciler.h"
#include "swarmop/reconciler/store/spec_store.h"

namespace swarmop::reconciler {
namespace {

using std::chrono::milliseconds;
using ::testing::_;
using ::testing::HasSubstr;
using ::testing::Return;

const Request kSite{"Site", "douala"};
const Request kApi{"Service", "api"};

// Polls `condition` every 5 ms for up to `limit` of real time (tests/support/eventually.h).
bool Eventually(const std::function<bool()>& condition, milliseconds limit = milliseconds(5000)) {
  return testsupport::Eventually(condition, limit, milliseconds(5));
}

ControllerOptions FastLoop() {
  ControllerOptions options;
  options.workers = 2;
  options.resync = milliseconds(200);
  options.backoff = {milliseconds(5), milliseconds(50)};
  options.events_retry_base = milliseconds(5);
  options.events_retry_cap = milliseconds(20);
  options.watch_events = false;
  return options;
}

// Records reconciles; `behaviour` decides each result.
class RecordingReconciler : public Reconciler {
 public:
  std::function<StatusOr<Result>(const Request&)> behaviour = [](const Request&) { return Result{}; };

  StatusOr<Result> Reconcile(const Request& request) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      calls_.push_back(request);
    }
    return behaviour(request);
  }
  int Calls(const Request& key) const {
    std::lock_guard<std::mutex> lock(mu_);
    return static_cast<int>(std::count(calls_.begin(), calls_.end(), key));
  }

 private:
  mutable std::mutex mu_;
  std::vector<Request> calls_;
};

class FixedKeys : public KeyLister {
 public:
  explicit FixedKeys(KeySnapshot snapshot) : snapshot_(std::move(snapshot)) {}
  StatusOr<KeySnapshot> ListKeys() override { return snapshot_; }

 private:
  KeySnapshot snapshot_;
};

TEST(ControllerLoop, TheFirstResyncQueuesEveryKeyAndReadinessFollowsTheirSuccess) {
  ::testing::NiceMock<engine::testing::MockEngine> engine;
  RecordingReconciler reconciler;
  std::atomic<int> api_failures{2};
  reconciler.behaviour = [&](const Request& key) -> StatusOr<Result> {
    if (key == kApi && api_failures-- > 0) return UnavailableError("engine hiccup");
    return Result{};
  };
  FixedKeys keys(KeySnapshot{{kSite, kApi}, {}});
  OwnWrites own_writes;
  Metrics metrics;
  Controller controller(engine, reconciler, keys, own_writes, &metrics, FastLoop());
  controller.Start();
  EXPECT_TRUE(Eventually([&] { return controller.Ready(); })) << "ready once api succeeded after backoff";
  EXPECT_GE(reconciler.Calls(kApi), 3);
  EXPECT_THAT(metrics.RenderText(), HasSubstr("swarmop_reconcile_total{result=\"error\"} 2"));
  controller.Stop();
}

TEST(ControllerLoop, RequeueAfterBringsAKeyBackWithoutAnyEvent) {
  ::testing::NiceMock<engine::testing::MockEngine> engine;
  RecordingReconciler reconciler;
  reconciler.behaviour = [](const Request&) { return Result{milliseconds(10)}; };
  FixedKeys keys(KeySnapshot{{kApi}, {}});
  OwnWrites own_writes;
  ControllerOptions options = FastLoop();
  options.resync = std::chrono::hours(1);
  Controller controller(engine, reconciler, keys, own_writes, nullptr, options);
  controller.Start();
  EXPECT_TRUE(Eventually([&] { return reconciler.Calls(kApi) >= 4; }));
  controller.Stop();
}

TEST(ControllerLoop, StopLetsTheInFlightReconcileFinishAndStartsNoOther) {
  ::testing::NiceMock<engine::testing::MockEngine> engine;
  RecordingReconciler reconciler;
  std::atomic<bool> started{false};
  std::atomic<bool> finished{false};
  reconciler.behaviour = [&](const Request&) -> StatusOr<Result> {
    started = true;
    std::this_thread::sleep_for(milliseconds(200));
    finished = true;
    return Result{};
  };
  FixedKeys keys(KeySnapshot{{kApi}, {}});
  OwnWrites own_writes;
  ControllerOptions options = FastLoop();
  options.workers = 1;  // the one worker is busy with api when web is marked
  Controller controller(engine, reconciler, keys, own_writes, nullptr, options);
  controller.Start();
  ASSERT_TRUE(Eventually([&] { return started.load(); }));
  controller.Mark(Request{"Service", "web"});
  controller.Stop();
  EXPECT_TRUE(finished);
  EXPECT_EQ(reconciler.Calls(Request{"Service", "web"}), 0) << "queued work is dropped on stop";
}

// An EventStream that hands out scripted events, then waits.
class ScriptedStream : public engine::EventStream {
 public:
  explicit ScriptedStream(std::deque<StatusOr<std::optional<engine::Event>>> script)
      : script_(std::move(script)) {}
  StatusOr<std::optional<engine::Event>> Next(milliseconds timeout) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (closed_) return UnavailableError("event stream closed");
      if (!script_.empty()) {
        auto next = script_.front();
        script_.pop_front();
        return next;
      }
    }
    std::this_thread::sleep_for(std::min(timeout, milliseconds(5)));
    return std::optional<engine::Event>();
  }
  void Close() override {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
  }

 private:
  std::mutex mu_;
  bool closed_ = false;
  std::deque<StatusOr<std::optional<engine::Event>>> script_;
};

engine::Event ServiceUpdate(const std::string& name) {
  engine::Event event;
  event.type = "service";
  event.action = "update";
  event.actor.attributes["name"] = name;
  return event;
}

TEST(ControllerLoop, AnEventOnAnOwnedServiceMarksItsOwnerAndAStreamFailureIsRetried) {
  ::testing::NiceMock<engine::testing::MockEngine> engine;
  std::atomic<int> opened{0};
  // The stream comes back once the first resync has indexed api-douala: an event routed before that finds
  // no owner (and a gap then coalesces into that first resync), which made this test fail under load.
  std::atomic<Controller*> running{nullptr};
  ON_CALL(engine, Events(_)).WillByDefault([&](const engine::EventFilter& filter) {
    EXPECT_THAT(filter.types, ::testing::Contains("service"));
    if (opened++ == 0) return StatusOr<std::unique_ptr<engine::EventStream>>(UnavailableError("refused"));
    Eventually([&] { return running.load() != nullptr && running.load()->Resyncs() >= 1; });
    std::deque<StatusOr<std::optional<engine::Event>>> script;
    script.push_back(std::optional<engine::Event>(ServiceUpdate("api-douala")));
    return StatusOr<std::unique_ptr<engine::EventStream>>(
        std::unique_ptr<engine::EventStream>(std::make_unique<ScriptedStream>(std::move(script))));
  });
  RecordingReconciler reconciler;
  KeySnapshot snapshot{{kSite}, {}};
  snapshot.index.services["api-douala"] = kApi;
  FixedKeys keys(snapshot);
  OwnWrites own_writes;
  ControllerOptions options = FastLoop();
  options.watch_events = true;
  options.resync = std::chrono::hours(1);
  Controller controller(engine, reconciler, keys, own_writes, nullptr, options);
  running = &controller;
  controller.Start();
  EXPECT_TRUE(Eventually([&] { return reconciler.Calls(kApi) >= 1; }))
      << "api-douala's event marks Service/api";
  EXPECT_GE(opened.load(), 2);
  EXPECT_TRUE(Eventually([&] { return controller.Resyncs() >= 2; }))
      << "a resync follows the recovered stream";
  controller.Stop();
}

// The whole loop over the in-memory swarm: specs stored, faults injected, convergence anyway.
TEST(ControllerLoop, OverAFlakyEngineTheEstateStillConverges) {
  swarmop::testing::FakeEngine fake;
  fake.AddNode("testbed", {{"site", "douala"}});
  engine::CountingEngine counting(&fake);
  SpecStore store(counting);
  auto applied = store.Apply(
      {crds::SourceFile{"t.yaml", testing::SiteYaml() + "---\n" + testing::ServiceYaml("api", 3)}});
  ASSERT_TRUE(applied.ok() && applied->plan.ok());
  SpecCache specs([&] { return store.Load(); }, SystemClock(), milliseconds(50));
  OwnWrites own_writes;
  Metrics metrics;
  StatusReporter status(store, counting, own_writes);
  EstateReconcilerOptions reconcile;
  reconcile.apply.retry_backoff = milliseconds(1);
  reconcile.progress_requeue = milliseconds(20);
  EstateReconciler reconciler(counting, specs, status, &metrics, SystemClock(), reconcile);
  EstateKeyLister keys(counting, specs);
  fake.FailNext("list configs", 2, UnavailableError("connection refused"));
  fake.FailNext("create service", 2, InternalError("500"));
  fake.FailNext("list networks", 1, TimeoutError("deadline"));
  Controller controller(counting, reconciler, keys, own_writes, &metrics, FastLoop());
  controller.Start();
  EXPECT_TRUE(Eventually([&] {
    auto api = status.Get(kApi);
    return api && api->Headline().type == kConditionReady;
  }));
  EXPECT_TRUE(Eventually([&] { return controller.Ready(); }));
  EXPECT_EQ(fake.FindService("api-douala")->spec.mode.replicas, 3u);
  controller.Stop();
}

}  // namespace
}  // namespace swarmop::reconciler
