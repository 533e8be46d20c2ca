#include <gtest/gtest.h>

#include <atomic>

#include "http_client.h"
#include "swarmop/reconciler/http/http_server.h"

namespace swarmop::reconciler {
namespace {

using testsupport::FreeLocalPort;
using testsupport::HttpGet;

std::string Local(uint16_t port) { return "127.0.0.1:" + std::to_string(port); }

TEST(HttpServer, ServesRoutesAndAnswers404ForUnknownPaths) {
  uint16_t port = FreeLocalPort();
  auto server = StartHttpServer(Local(port), {{"/healthz",
                                               [] {
                                                 return HttpResponse{200, "text/plain", "ok\n"};
                                               }},
                                              {"/readyz", [] {
                                                 return HttpResponse{503, "text/plain", "no\n"};
                                               }}});
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  auto health = HttpGet(port, "/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, "ok\n");
  EXPECT_EQ(HttpGet(port, "/readyz").status, 503);
  EXPECT_EQ(HttpGet(port, "/nope").status, 404);
}

TEST(HttpServer, AHandlerThatThrowsAnswers500AndTheServerKeepsServing) {
  uint16_t port = FreeLocalPort();
  auto server =
      StartHttpServer(Local(port), {{"/boom", []() -> HttpResponse { throw std::runtime_error("x"); }},
                                    {"/ok", [] { return HttpResponse{}; }}});
  ASSERT_TRUE(server.ok());
  EXPECT_EQ(HttpGet(port, "/boom").status, 500);
  EXPECT_EQ(HttpGet(port, "/ok").status, 200);
}

TEST(HttpServer, StopClosesThePort) {
  uint16_t port = FreeLocalPort();
  auto server = StartHttpServer(Local(port), {{"/healthz", [] { return HttpResponse{}; }}});
  ASSERT_TRUE(server.ok());
  (*server)->Stop();
  EXPECT_EQ(HttpGet(port, "/healthz").status, 0);
}

TEST(HttpServer, APortInUseIsReportedAsUnavailable) {
  uint16_t port = FreeLocalPort();
  auto first = StartHttpServer(Local(port), {});
  ASSERT_TRUE(first.ok());
  auto second = StartHttpServer(Local(port), {});
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Code::kUnavailable);
}

TEST(HttpServer, AnAddressWithoutPortIsRejected) {
  auto server = StartHttpServer("0.0.0.0", {});
  ASSERT_FALSE(server.ok());
  EXPECT_EQ(server.status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace swarmop::reconciler
