#include "units.h"

#include <gtest/gtest.h>

namespace swarmop::crds::internal {
namespace {

using namespace std::chrono_literals;

TEST(Units, DurationsSumTheirParts) {
  EXPECT_EQ(ParseDuration("10s"), Duration(10s));
  EXPECT_EQ(ParseDuration("1m30s"), Duration(90s));
  EXPECT_EQ(ParseDuration("500ms"), Duration(500ms));
  EXPECT_EQ(ParseDuration("1.5h"), Duration(90min));
  EXPECT_EQ(ParseDuration("0s"), Duration(0));
}

TEST(Units, MalformedDurationsAreRejected) {
  EXPECT_FALSE(ParseDuration("10"));
  EXPECT_FALSE(ParseDuration("10 seconds"));
  EXPECT_FALSE(ParseDuration(""));
  EXPECT_FALSE(ParseDuration("1d"));
  EXPECT_FALSE(ParseDuration("-5s"));
  EXPECT_FALSE(ParseDuration("1e3s"));
}

TEST(Units, DurationsBeyondSixtyFourBitNanosecondsAreRejectedNotThrown) {
  EXPECT_EQ(ParseDuration("2562047h"), Duration(2562047h));
  EXPECT_FALSE(ParseDuration("2562048h"));
  EXPECT_FALSE(ParseDuration(std::string(400, '9') + "s"));
}

TEST(Units, MemoryBeyondSixtyFourBitsIsRejectedNotThrown) {
  EXPECT_FALSE(ParseMemoryBytes(std::string(400, '9')));
  EXPECT_FALSE(ParseMemoryBytes("9000000Ti"));
}

TEST(Units, MemoryUsesKubernetesUnits) {
  EXPECT_EQ(ParseMemoryBytes("512Mi"), 536870912);
  EXPECT_EQ(ParseMemoryBytes("1Gi"), 1073741824);
  EXPECT_EQ(ParseMemoryBytes("1G"), 1000000000);
  EXPECT_EQ(ParseMemoryBytes("1.5k"), 1500);
  EXPECT_EQ(ParseMemoryBytes("1024"), 1024);
  EXPECT_FALSE(ParseMemoryBytes("1GB"));
  EXPECT_FALSE(ParseMemoryBytes("lots"));
}

}  // namespace
}  // namespace swarmop::crds::internal
