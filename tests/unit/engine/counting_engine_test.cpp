#include "swarmop/engine/counting_engine.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "swarmop/engine/testing/mock_engine.h"

namespace swarmop::engine {
namespace {

using ::testing::_;
using ::testing::ElementsAre;
using ::testing::Return;

TEST(CountingEngine, CountsReadsAndWritesByVerb) {
  ::testing::NiceMock<testing::MockEngine> mock;
  ON_CALL(mock, ListServices(_)).WillByDefault(Return(std::vector<Service>{}));
  ON_CALL(mock, UpdateService(_, _, _)).WillByDefault(Return(Status::Ok()));
  ON_CALL(mock, InspectNode(_)).WillByDefault(Return(NotFoundError("no node")));
  CountingEngine counting(&mock);

  ASSERT_TRUE(counting.ListServices({}).ok());
  ASSERT_TRUE(counting.ListServices({}).ok());
  EXPECT_FALSE(counting.InspectNode("n").ok());
  ServiceSpec spec;
  spec.name = "web";
  ASSERT_TRUE(counting.UpdateService("s1", 12, spec).ok());

  EXPECT_EQ(counting.Count("list services"), 2u);
  EXPECT_EQ(counting.Count("inspect node"), 1u);
  EXPECT_EQ(counting.Count("update service"), 1u);
  EXPECT_EQ(counting.Count("remove service"), 0u);
  EXPECT_EQ(counting.Reads(), 3u);
  EXPECT_EQ(counting.Writes(), 1u);
  EXPECT_THAT(counting.WriteLog(), ElementsAre("update service web s1 (version 12)"));
}

TEST(CountingEngine, ResetStartsFromZero) {
  ::testing::NiceMock<testing::MockEngine> mock;
  ON_CALL(mock, RemoveConfig(_)).WillByDefault(Return(Status::Ok()));
  CountingEngine counting(&mock);
  ASSERT_TRUE(counting.RemoveConfig("c").ok());
  counting.Reset();
  EXPECT_EQ(counting.Writes(), 0u);
  EXPECT_TRUE(counting.Counts().empty());
}

TEST(CountingEngine, ForwardsResultsUnchanged) {
  auto mock = std::make_unique<::testing::StrictMock<testing::MockEngine>>();
  EXPECT_CALL(*mock, CreateConfig(_)).WillOnce(Return(StatusOr<std::string>(std::string("c7"))));
  EXPECT_CALL(*mock, ApiVersion()).WillOnce(Return("1.41"));
  CountingEngine counting(std::move(mock));
  auto id = counting.CreateConfig(ConfigSpec{"a", {}, "x", ""});
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, "c7");
  EXPECT_EQ(counting.ApiVersion(), "1.41");
}

}  // namespace
}  // namespace swarmop::engine
