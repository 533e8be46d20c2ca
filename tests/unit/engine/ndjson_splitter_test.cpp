#include "ndjson_splitter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace swarmop::engine {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(NdjsonSplitter, AnObjectSplitAcrossReadsComesOutWhole) {
  NdjsonSplitter splitter;
  EXPECT_THAT(splitter.Feed(R"({"Type":"serv)"), IsEmpty());
  EXPECT_EQ(splitter.pending(), 13u);
  EXPECT_THAT(splitter.Feed(R"(ice","Action":"create"})"), IsEmpty());
  EXPECT_THAT(splitter.Feed("\n"), ElementsAre(R"({"Type":"service","Action":"create"})"));
  EXPECT_EQ(splitter.pending(), 0u);
}

TEST(NdjsonSplitter, SeveralObjectsInOneReadComeOutInOrder) {
  NdjsonSplitter splitter;
  EXPECT_THAT(splitter.Feed("{\"a\":1}\n{\"b\":2}\n{\"c\":"), ElementsAre("{\"a\":1}", "{\"b\":2}"));
  EXPECT_THAT(splitter.Feed("3}\n"), ElementsAre("{\"c\":3}"));
}

TEST(NdjsonSplitter, BlankLinesAndCarriageReturnsAreIgnored) {
  NdjsonSplitter splitter;
  EXPECT_THAT(splitter.Feed("\n\r\n{\"a\":1}\r\n  \n"), ElementsAre("{\"a\":1}"));
}

TEST(NdjsonSplitter, ResetForgetsAPartialLineAfterADrop) {
  NdjsonSplitter splitter;
  EXPECT_THAT(splitter.Feed("{\"half"), IsEmpty());
  splitter.Reset();
  EXPECT_THAT(splitter.Feed("{\"a\":1}\n"), ElementsAre("{\"a\":1}"));
}

TEST(NdjsonSplitter, ALineLongerThanTheLimitIsDroppedAndTheNextOneComesOut) {
  NdjsonSplitter splitter(8);
  EXPECT_THAT(splitter.Feed("{\"a\":1}\n0123"), ElementsAre("{\"a\":1}"));
  EXPECT_THAT(splitter.Feed("456789"), IsEmpty());
  EXPECT_EQ(splitter.pending(), 0u) << "the long line is not kept";
  EXPECT_THAT(splitter.Feed(std::string(100000, 'x')), IsEmpty());
  EXPECT_EQ(splitter.pending(), 0u);
  EXPECT_THAT(splitter.Feed("tail\n{\"b\":2}\n"), ElementsAre("{\"b\":2}"));
  EXPECT_EQ(splitter.dropped(), 1u);
}

// Found by fuzz/ndjson_fuzzer: "\r\r\n" came out as a line "\r" (only one trailing '\r' is dropped).
TEST(NdjsonSplitter, ALineOfCarriageReturnsIsBlank) {
  NdjsonSplitter splitter;
  EXPECT_THAT(splitter.Feed("\r\r\n \r\t\r\n{}\n"), ElementsAre("{}"));
}

TEST(NdjsonSplitter, ALineOfExactlyTheLimitIsKept) {
  NdjsonSplitter splitter(8);
  EXPECT_THAT(splitter.Feed("12345678\n"), ElementsAre("12345678"));
}

}  // namespace
}  // namespace swarmop::engine
