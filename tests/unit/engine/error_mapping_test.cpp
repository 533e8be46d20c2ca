#include "error_mapping.h"

#include <gtest/gtest.h>

namespace swarmop::engine {
namespace {

struct Case {
  const char* name;
  int http_status;
  const char* body;
  Code code;
};

class ErrorMapping : public ::testing::TestWithParam<Case> {};

TEST_P(ErrorMapping, MapsToTheCodeAndKeepsTheEngineMessage) {
  const Case& c = GetParam();
  Status status = StatusFromHttp(c.http_status, c.body, "POST /v1.41/services/x/update");
  EXPECT_EQ(status.code(), c.code) << status.ToString();
  EXPECT_NE(status.message().find(EngineMessage(c.body)), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("POST /v1.41/services/x/update"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ErrorMapping,
    ::testing::Values(
        Case{"NotFound", 404, R"({"message":"service web not found"})", Code::kNotFound},
        Case{"NameClash", 409, R"({"message":"rpc error: code = AlreadyExists desc = name conflicts"})",
             Code::kConflict},
        Case{"StaleVersion", 500, R"({"message":"rpc error: code = Unknown desc = update out of sequence"})",
             Code::kAborted},
        Case{"BadRequest", 400, R"({"message":"invalid mount config"})", Code::kInvalidArgument},
        Case{"InUse", 400, R"({"message":"rpc error: config c is in use by the following service: web"})",
             Code::kFailedPrecondition},
        Case{
            "Worker", 503,
            R"({"message":"This node is not a swarm manager. Worker nodes can't be used to view or modify cluster state."})",
            Code::kFailedPrecondition},
        Case{"NoSwarm", 503, R"({"message":"This node is not part of a swarm"})", Code::kFailedPrecondition},
        Case{"ModeChange", 501, R"({"message":"service mode change is not allowed"})", Code::kNotSupported},
        Case{"OtherServerError", 500, R"({"message":"boom"})", Code::kInternal},
        Case{"PlainTextBody", 404, "page not found\n", Code::kNotFound}),
    [](const ::testing::TestParamInfo<Case>& info) { return info.param.name; });

TEST(ErrorMapping, SuccessIsOk) { EXPECT_TRUE(StatusFromHttp(201, "{}", "x").ok()); }

TEST(ErrorMapping, ConnectErrorNamesTheAddressAndWhatToCheck) {
  Endpoint endpoint;
  endpoint.socket_path = "/x/docker.sock";
  Status status = ConnectError(endpoint, "No such file or directory");
  EXPECT_EQ(status.code(), Code::kUnavailable);
  EXPECT_EQ(
      status.message(),
      "cannot connect to the Docker engine at unix:///x/docker.sock: No such file or directory (is dockerd "
      "running? set DOCKER_HOST)");
}

}  // namespace
}  // namespace swarmop::engine
