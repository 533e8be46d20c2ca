// Engine JSON nested thousands deep is refused before it becomes a tree (whose copy or dump would recurse
// once per level and overflow the stack).
#include "swarmop/base/json_depth.h"

#include <gtest/gtest.h>

#include <string>

#include "error_mapping.h"
#include "json_codec.h"

namespace swarmop::engine {
namespace {

std::string Nested(size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

TEST(JsonDepth, CountsOnlyBracketsOutsideStrings) {
  EXPECT_FALSE(JsonNestsDeeperThan(R"({"a": "[[[[[[", "b": "\"[[[["})", 1));
  EXPECT_TRUE(JsonNestsDeeperThan(R"({"a": [1]})", 1));
  EXPECT_FALSE(JsonNestsDeeperThan(R"({"a": [1]})", 2));
  EXPECT_FALSE(JsonNestsDeeperThan(Nested(128)));
  EXPECT_TRUE(JsonNestsDeeperThan(Nested(129)));
}

TEST(JsonDepth, AnEngineAnswerNestedTooDeepIsDiscardedLikeInvalidJson) {
  EXPECT_TRUE(ParseEngineJson(Nested(1000000)).is_discarded());
  EXPECT_TRUE(ParseEngineJson(R"({"ID": "abc"})").is_object());
  EXPECT_TRUE(ParseEngineJson("{").is_discarded());
}

TEST(JsonDepth, AnErrorBodyNestedTooDeepIsShownAsText) {
  std::string body = R"({"message": )" + Nested(100000) + "}";
  EXPECT_EQ(EngineMessage(body).size(), body.size());
}

}  // namespace
}  // namespace swarmop::engine
