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

TEST(CountingEngine, ARefusedWriteIsAnAttemptButNotAWrite) {
  ::testing::NiceMock<testing::MockEngine> mock;
  EXPECT_CALL(mock, UpdateService(_, _, _))
      .WillOnce(Return(AbortedError("rpc error: code = Unknown desc = update out of sequence")))
      .WillOnce(Return(Status::Ok()));
  CountingEngine counting(&mock);
  ServiceSpec spec;
  spec.name = "web";
  EXPECT_FALSE(counting.UpdateService("s1", 12, spec).ok());
  EXPECT_TRUE(counting.UpdateService("s1", 14, spec).ok());

  EXPECT_EQ(counting.Count("update service"), 2u);
  EXPECT_EQ(counting.Writes(), 1u);
  EXPECT_EQ(counting.FailedWrites(), 1u);
  EXPECT_THAT(counting.FailedCounts(),
              ElementsAre(std::pair<const std::string, uint64_t>("update service", 1)));
  EXPECT_THAT(counting.WriteLog(), ElementsAre("update service web s1 (version 14)"));
  EXPECT_THAT(
      counting.AttemptLog(),
      ElementsAre("update service web s1 (version 12) -> failed: rpc error: code = Unknown desc = update "
                  "out of sequence",
                  "update service web s1 (version 14)"));
}

TEST(CountingEngine, ACreateThatFailsReturnsTheErrorAndCountsAsRefused) {
  ::testing::NiceMock<testing::MockEngine> mock;
  ON_CALL(mock, CreateConfig(_)).WillByDefault(Return(StatusOr<std::string>(ConflictError("name taken"))));
  CountingEngine counting(&mock);
  auto id = counting.CreateConfig(ConfigSpec{"a", {}, "x", ""});
  EXPECT_EQ(id.status().code(), Code::kConflict);
  EXPECT_EQ(counting.Writes(), 0u);
  EXPECT_EQ(counting.FailedWrites(), 1u);
  EXPECT_TRUE(counting.WriteLog().empty());
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
