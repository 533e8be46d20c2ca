#include <gtest/gtest.h>

#include "swarmop/reconciler/controller/event_router.h"
#include "swarmop/reconciler/testing/fake_clock.h"

namespace swarmop::reconciler {
namespace {

const Request kApi{"Service", "api"};

engine::Event MakeEvent(std::string type, std::string action, std::string name) {
  engine::Event event;
  event.type = std::move(type);
  event.action = std::move(action);
  event.actor.attributes["name"] = std::move(name);
  return event;
}

struct Case {
  const char* name;
  engine::Event event;
  std::vector<Request> keys;
  bool resync;
};

class RouteEventTest : public ::testing::TestWithParam<Case> {};

TEST_P(RouteEventTest, MarksTheRightWork) {
  FakeClock clock;
  OwnWrites own_writes(clock);
  OwnerIndex index;
  index.services["api-douala"] = kApi;
  index.networks["swarmop-douala"] = Request{"Site", "douala"};
  index.configs["swarmop-service-api-0123456789"] = kApi;
  EventMarks marks = RouteEvent(GetParam().event, index, own_writes);
  EXPECT_EQ(marks.keys, GetParam().keys);
  EXPECT_EQ(marks.resync, GetParam().resync);
}

INSTANTIATE_TEST_SUITE_P(
    Events, RouteEventTest,
    ::testing::Values(
        Case{"AManualScaleOfAnOwnedServiceMarksItsOwner",
             MakeEvent("service", "update", "api-douala"),
             {kApi},
             false},
        Case{"AnUnknownServiceCreatedAsksForAResync", MakeEvent("service", "create", "web"), {}, true},
        Case{"AnUnknownServiceRemovedMarksNothing", MakeEvent("service", "remove", "web"), {}, false},
        Case{"AnOwnedNetworkRemovedMarksItsSite",
             MakeEvent("network", "remove", "swarmop-douala"),
             {Request{"Site", "douala"}},
             false},
        Case{"AHandMadeConfigCreatedReloadsSpecs", MakeEvent("config", "create", "my-spec"), {}, true},
        Case{"AStoredSpecConfigChangedReloadsSpecsAndMarksItsKey",
             MakeEvent("config", "update", "swarmop-service-api-0123456789"),
             {kApi},
             true},
        Case{"ANodeEventResyncsEverything", MakeEvent("node", "update", "testbed"), {}, true},
        Case{"ASecretCreatedResyncs", MakeEvent("secret", "create", "db-password"), {}, true},
        Case{"AContainerEventMarksNothing", MakeEvent("container", "start", "x"), {}, false}),
    [](const ::testing::TestParamInfo<Case>& info) { return std::string(info.param.name); });

TEST(RouteEvent, TheUpdateEventOfOurOwnStatusWriteIsIgnoredOnce) {
  FakeClock clock;
  OwnWrites own_writes(clock);
  own_writes.Record("my-spec");
  EventMarks first = RouteEvent(MakeEvent("config", "update", "my-spec"), {}, own_writes);
  EXPECT_TRUE(first.ignored_own_write);
  EXPECT_FALSE(first.resync);
  EventMarks second = RouteEvent(MakeEvent("config", "update", "my-spec"), {}, own_writes);
  EXPECT_TRUE(second.resync) << "a second update is someone else's";
}

TEST(RouteEvent, AnOwnWriteWhoseEventNeverCameIsForgottenAfterItsWindow) {
  FakeClock clock;
  OwnWrites own_writes(clock, std::chrono::seconds(10));
  own_writes.Record("my-spec");
  clock.Advance(std::chrono::seconds(11));
  EXPECT_TRUE(RouteEvent(MakeEvent("config", "update", "my-spec"), {}, own_writes).resync);
}

}  // namespace
}  // namespace swarmop::reconciler
