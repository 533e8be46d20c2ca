#include "json_text_scan.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace swarmop::engine {
namespace {

std::vector<std::string> Split(std::string_view text) {
  auto elements = SplitJsonArray(text);
  if (!elements) return {"<not an array>"};
  return {elements->begin(), elements->end()};
}

TEST(SplitJsonArray, ElementsAreTheTextBetweenTopLevelCommas) {
  EXPECT_EQ(Split(R"([{"ID":"a","Spec":{"Labels":{"x":"1","y":"2"}}}, {"ID":"b"} ,[1,2],3])"),
            (std::vector<std::string>{R"({"ID":"a","Spec":{"Labels":{"x":"1","y":"2"}}})", R"({"ID":"b"})",
                                      "[1,2]", "3"}));
}

TEST(SplitJsonArray, CommasAndBracketsInsideStringsDoNotSplit) {
  EXPECT_EQ(Split(R"([{"a":"x,]}[{\"y"},"\\",  "q"] )"),
            (std::vector<std::string>{R"({"a":"x,]}[{\"y"})", R"("\\")", R"("q")"}));
}

TEST(SplitJsonArray, EmptyArrayHasNoElements) {
  EXPECT_EQ(Split(" [ \n ] "), std::vector<std::string>{});
  EXPECT_EQ(Split("[]"), std::vector<std::string>{});
}

TEST(SplitJsonArray, WhatIsNotOneBalancedArrayIsLeftToTheWholeParse) {
  for (const char* text : {"", "{}", R"({"message":"x"})", "[1,]", "[,1]", "[1,,2]", "[{]", "[1]]", "[1],[2]",
                           R"(["open])", "[[1]"}) {
    EXPECT_FALSE(SplitJsonArray(text)) << text;
  }
}

TEST(MemberText, IsTheValueOfATopLevelKeyAsWritten) {
  const char* service =
      R"({"ID":"x1","Version":{"Index":7},"Spec" : {"Name":"web","Labels":{"Spec":"\"}"},"Mode":{}} ,)"
      R"("ServiceStatus":{"RunningTasks":1},"N":-1.5e3,"B":true})";
  EXPECT_EQ(MemberText(service, "Spec"), R"({"Name":"web","Labels":{"Spec":"\"}"},"Mode":{}})");
  EXPECT_EQ(MemberText(service, "ID"), R"("x1")");
  EXPECT_EQ(MemberText(service, "N"), "-1.5e3");
  EXPECT_EQ(MemberText(service, "B"), "true");
  EXPECT_EQ(MemberText(service, "Name"), std::nullopt);  // not at the top level
  EXPECT_EQ(MemberText(service, "Missing"), std::nullopt);
}

TEST(MemberText, WhatIsNotAnObjectHasNoMembers) {
  for (const char* text : {"", "[]", "\"Spec\"", R"({"Spec")", R"({"a" 1, "Spec":2})"}) {
    EXPECT_EQ(MemberText(text, "Spec"), std::nullopt) << text;
  }
  EXPECT_EQ(MemberText("{}", "Spec"), std::nullopt);
}

}  // namespace
}  // namespace swarmop::engine
