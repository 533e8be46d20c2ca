#include "schema_messages.h"

#include <gtest/gtest.h>

namespace swarmop::crds::internal {
namespace {

TEST(SchemaMessages, ClosestMatchSuggestsTheIntendedField) {
  EXPECT_EQ(ClosestMatch("replica", {"replicas", "constraints"}), "replicas");
  EXPECT_EQ(ClosestMatch("lables", {"name", "labels", "annotations"}), "labels");
  EXPECT_EQ(ClosestMatch("dependson", {"dependsOn", "database"}), "dependsOn");
}

TEST(SchemaMessages, NothingIsSuggestedForAnUnrelatedWord) {
  EXPECT_EQ(ClosestMatch("colour", {"replicas", "constraints"}), "");
}

TEST(SchemaMessages, ValuesAreDescribedWithTheirType) {
  EXPECT_EQ(DescribeValue(nlohmann::json("two")), "string \"two\"");
  EXPECT_EQ(DescribeValue(nlohmann::json(3)), "integer 3");
  EXPECT_EQ(DescribeValue(nlohmann::json::array()), "a list");
  EXPECT_EQ(DescribeValue(nlohmann::json(nullptr)), "an empty value");
}

}  // namespace
}  // namespace swarmop::crds::internal
