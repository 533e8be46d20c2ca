// Decoders of the engine's JSON are tolerant: a mistyped or out-of-range field reads as its default.
#include "json_codec.h"

#include <gtest/gtest.h>

namespace swarmop::engine {
namespace {

// Found by fuzz/engine_json_fuzzer (crash-f22493c4...): a float past int64's range was cast to int64_t,
// undefined behaviour (UBSan: "5.36444e+26 is outside the range of representable values of type 'long'").
TEST(JsonCodec, AFloatOutOfRangeReadsAsZeroInsteadOfOverflowing) {
  EXPECT_EQ(GetInt(Json::parse(R"({"n": 5.36444e+26})"), "n"), 0);
  EXPECT_EQ(GetInt(Json::parse(R"({"n": -1e300})"), "n"), 0);
  EXPECT_EQ(GetInt(Json::parse(R"({"n": 2.9})"), "n"), 2);
  EXPECT_EQ(GetInt(Json::parse(R"({"n": -3})"), "n"), -3);
  Service service = DecodeService(Json::parse(
      R"({"ID":"s1","Spec":{"Name":"a","TaskTemplate":{"Resources":{"Limits":{"MemoryBytes":536444444444444444444870912}}}}})"));
  EXPECT_EQ(service.spec.name, "a");
}

// Found by fuzz/engine_json_fuzzer (crash-1eaac033...): an event with a huge "time" and no "timeNano" made
// time * 1e9 overflow int64 (UBSan: signed integer overflow: 96087187856979903 * 1000000000).
TEST(JsonCodec, AnEventTimePastInt64NanosecondsReadsAsUnknown) {
  EXPECT_EQ(DecodeEvent(Json::parse(R"({"Type":"service","time":96087187856979903})")).time_nano, 0);
  EXPECT_EQ(DecodeEvent(Json::parse(R"({"Type":"service","time":-96087187856979903})")).time_nano, 0);
  EXPECT_EQ(DecodeEvent(Json::parse(R"({"Type":"service","time":1796087187})")).time_nano,
            1796087187000000000);
  EXPECT_EQ(DecodeEvent(Json::parse(R"({"time":1,"timeNano":1796087187856979903})")).time_nano,
            1796087187856979903);
}

}  // namespace
}  // namespace swarmop::engine
