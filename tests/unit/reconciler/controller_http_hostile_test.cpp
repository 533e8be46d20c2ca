// The operator's listener against hostile or broken clients (issue 14): the bearer token over the wire,
// header and body limits, malformed requests, clients that send nothing or a byte at a time, the connection
// cap, and TLS.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include "http_client.h"
#include "swarmop/reconciler/http/http_server.h"

namespace swarmop::reconciler {
namespace {

using std::chrono::milliseconds;
using testsupport::ConnectLoopback;
using testsupport::HttpGet;
using testsupport::HttpSend;
using Clock = std::chrono::steady_clock;

constexpr char kToken[] = "hostile-test-token-41";

HttpRoutes Routes() {
  return {{"/healthz",
           [] {
             return HttpResponse{200, "text/plain", "ok\n"};
           }},
          {"/api/v1/status", [] {
             return HttpResponse{200, "application/json", "{\"ready\":true}"};
           }}};
}

uint16_t PortOf(const HttpServer& server) {
  std::string address = server.Address();
  return static_cast<uint16_t>(std::stoi(address.substr(address.rfind(':') + 1)));
}

std::unique_ptr<HttpServer> Start(HttpServerOptions options) {
  if (options.listen == "127.0.0.1:8080") options.listen = "127.0.0.1:0";
  auto server = StartHttpServer(std::move(options), Routes());
  EXPECT_TRUE(server.ok()) << server.status().ToString();
  return server.ok() ? std::move(server).value() : nullptr;
}

HttpServerOptions WithToken() {
  HttpServerOptions options;
  options.access.bearer_token = kToken;
  return options;
}

// True when the server closed `fd` (recv returns 0 or an error) within `limit`.
bool ClosedWithin(int fd, milliseconds limit) {
  timeval timeout{static_cast<time_t>(limit.count() / 1000),
                  static_cast<suseconds_t>(limit.count() % 1000 * 1000)};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  char byte;
  ssize_t n = recv(fd, &byte, 1, 0);
  return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

TEST(HttpServerSecurity, StatusNeedsTheBearerTokenOverTheWireAndHealthDoesNot) {
  auto server = Start(WithToken());
  ASSERT_TRUE(server);
  uint16_t port = PortOf(*server);
  EXPECT_EQ(HttpGet(port, "/healthz").status, 200);
  auto anonymous = HttpGet(port, "/api/v1/status");
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_NE(anonymous.headers.find("WWW-Authenticate: Bearer realm=\"swarmop\""), std::string::npos)
      << anonymous.headers;
  EXPECT_EQ(HttpGet(port, "/api/v1/status", "Authorization: Bearer wrong\r\n").status, 401);
  auto authorized = HttpGet(port, "/api/v1/status", std::string("Authorization: Bearer ") + kToken + "\r\n");
  EXPECT_EQ(authorized.status, 200);
  EXPECT_EQ(authorized.body, "{\"ready\":true}");
}

TEST(HttpServerSecurity, AnAddressBeyondLoopbackIsRefusedWithoutAToken) {
  HttpServerOptions options;
  options.listen = "0.0.0.0:0";
  auto refused = StartHttpServer(options, Routes());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Code::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("--auth-token-file"), std::string::npos);
  options.access.bearer_token = kToken;
  EXPECT_TRUE(StartHttpServer(options, Routes()).ok());
}

TEST(HttpServerSecurity, LoopbackAddressesAreRecognised) {
  EXPECT_TRUE(IsLoopbackListenAddress("127.0.0.1:8080"));
  EXPECT_TRUE(IsLoopbackListenAddress("127.1.2.3:8080"));
  EXPECT_TRUE(IsLoopbackListenAddress("localhost:8080"));
  EXPECT_TRUE(IsLoopbackListenAddress("[::1]:8080"));
  EXPECT_FALSE(IsLoopbackListenAddress("0.0.0.0:8080"));
  EXPECT_FALSE(IsLoopbackListenAddress("10.0.0.5:8080"));
  EXPECT_FALSE(IsLoopbackListenAddress("[::]:8080"));
  EXPECT_FALSE(IsLoopbackListenAddress("127.0.0.1"));
}

TEST(HttpServerSecurity, HeadersOverTheLimitAnswer431) {
  auto server = Start(HttpServerOptions{});
  ASSERT_TRUE(server);
  std::string huge = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: " + std::string(16 * 1024, 'a') + "\r\n\r\n";
  EXPECT_EQ(HttpSend(PortOf(*server), huge).status, 431);
  std::string many = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 2000; ++i) many += "X-H" + std::to_string(i) + ": v\r\n";
  EXPECT_EQ(HttpSend(PortOf(*server), many + "\r\n").status, 431);
  EXPECT_EQ(HttpGet(PortOf(*server), "/healthz").status, 200);
}

TEST(HttpServerSecurity, ABodyOverTheLimitAnswers413) {
  auto server = Start(HttpServerOptions{});
  ASSERT_TRUE(server);
  std::string body(64 * 1024, 'b');
  EXPECT_EQ(HttpSend(PortOf(*server), "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                                          std::to_string(body.size()) + "\r\n\r\n" + body)
                .status,
            413);
  // Announced only: refused from the header alone.
  EXPECT_EQ(
      HttpSend(PortOf(*server), "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n")
          .status,
      413);
}

TEST(HttpServerSecurity, AMalformedRequestAnswers400) {
  auto server = Start(HttpServerOptions{});
  ASSERT_TRUE(server);
  EXPECT_EQ(HttpSend(PortOf(*server), "GET /healthz HTTP/9x\r\n\r\n").status, 400);
  EXPECT_EQ(HttpSend(PortOf(*server), "\x01\x02\x03 nonsense\r\n\r\n").status, 400);
}

TEST(HttpServerSecurity, KeepAliveServesSeveralRequestsOnOneConnection) {
  auto server = Start(HttpServerOptions{});
  ASSERT_TRUE(server);
  std::string one = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  auto reply =
      HttpSend(PortOf(*server), one + one + "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(reply.status, 200);
  size_t answers = 0;
  for (size_t at = 0; (at = reply.body.find("HTTP/1.1 200", at)) != std::string::npos; ++at) ++answers;
  EXPECT_EQ(answers, 2u) << "the first answer's headers are in .headers, the next two in .body";
}

// The slowloris test: dozens of clients that send nothing, half a request, or a byte every 100 ms hold
// their connections for the whole (default, 10 s) deadline; /healthz must still answer at once.
TEST(HttpServerSecurity, StuckAndTricklingClientsNeverDelayHealth) {
  auto server = Start(WithToken());
  ASSERT_TRUE(server);
  uint16_t port = PortOf(*server);
  constexpr int kSilent = 40, kHalf = 40, kTrickle = 20;
  std::vector<int> fds;
  for (int i = 0; i < kSilent + kHalf + kTrickle; ++i) {
    int fd = ConnectLoopback(port);
    ASSERT_GE(fd, 0);
    if (i >= kSilent && i < kSilent + kHalf) {
      std::string half = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ";
      send(fd, half.data(), half.size(), MSG_NOSIGNAL);
    }
    fds.push_back(fd);
  }
  std::atomic<bool> stop{false};
  std::thread trickler([&] {
    while (!stop) {
      for (int i = kSilent + kHalf; i < static_cast<int>(fds.size()); ++i) send(fds[i], "G", 1, MSG_NOSIGNAL);
      std::this_thread::sleep_for(milliseconds(100));
    }
  });
  std::vector<double> latencies_ms;
  for (int i = 0; i < 30; ++i) {
    auto start = Clock::now();
    auto reply = HttpGet(port, "/healthz");
    latencies_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    EXPECT_EQ(reply.status, 200);
    std::this_thread::sleep_for(milliseconds(20));
  }
  stop = true;
  trickler.join();
  for (int fd : fds) close(fd);
  std::sort(latencies_ms.begin(), latencies_ms.end());
  double p50 = latencies_ms[latencies_ms.size() / 2], worst = latencies_ms.back();
  std::printf("/healthz with %d stuck connections: p50 %.2f ms, max %.2f ms over %zu requests\n",
              kSilent + kHalf + kTrickle, p50, worst, latencies_ms.size());
  // Blocked would mean the 10 s deadline or the client's 5 s timeout; the margins absorb a loaded machine.
  EXPECT_LT(p50, 100.0);
  EXPECT_LT(worst, 2000.0);
}

TEST(HttpServerSecurity, ASilentOrTricklingClientIsDroppedAtTheRequestDeadline) {
  HttpServerOptions options;
  options.request_timeout = milliseconds(300);
  auto server = Start(options);
  ASSERT_TRUE(server);
  int silent = ConnectLoopback(PortOf(*server));
  int trickling = ConnectLoopback(PortOf(*server));
  ASSERT_GE(silent, 0);
  ASSERT_GE(trickling, 0);
  auto start = Clock::now();
  bool trickler_closed = false;
  for (int i = 0; i < 20 && !trickler_closed; ++i) {  // a byte every 100 ms, for 2 s at most
    trickler_closed = send(trickling, "G", 1, MSG_NOSIGNAL) < 0 || ClosedWithin(trickling, milliseconds(100));
  }
  auto trickler_lasted = Clock::now() - start;
  EXPECT_TRUE(trickler_closed);
  EXPECT_LT(trickler_lasted, milliseconds(1500));
  EXPECT_TRUE(ClosedWithin(silent, milliseconds(1000)));
  close(silent);
  close(trickling);
}

TEST(HttpServerSecurity, AtTheConnectionCapTheClientWaitingLongestMakesRoom) {
  HttpServerOptions options;
  options.max_connections = 4;
  auto server = Start(options);
  ASSERT_TRUE(server);
  std::vector<int> fds;
  for (int i = 0; i < 4; ++i) {
    fds.push_back(ConnectLoopback(PortOf(*server)));
    std::this_thread::sleep_for(milliseconds(20));  // distinct arrival times
  }
  EXPECT_EQ(HttpGet(PortOf(*server), "/healthz").status, 200);
  EXPECT_TRUE(ClosedWithin(fds[0], milliseconds(1000))) << "the oldest silent connection was evicted";
  for (int fd : fds) close(fd);
}

class TlsFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/swarmop-tls-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
    std::string command =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 "
        "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout " +
        dir_ + "/key.pem -out " + dir_ + "/cert.pem 2>/dev/null";
    ASSERT_EQ(std::system(command.c_str()), 0);
  }
  void TearDown() override { (void)std::system(("rm -rf " + dir_).c_str()); }

  // curl's status code for GET url, or 0 when the exchange failed.
  int Curl(const std::string& url, const std::string& extra = "") {
    std::string command = "curl -s -o /dev/null -w '%{http_code}' --max-time 5 --cacert " + dir_ +
                          "/cert.pem " + extra + " " + url;
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) return 0;
    char out[16] = {};
    size_t n = fread(out, 1, sizeof(out) - 1, pipe);
    pclose(pipe);
    return n ? std::atoi(out) : 0;
  }
  std::string dir_;
};

TEST_F(TlsFiles, TlsServesHttpsWithTheTokenAndRefusesPlainHttp) {
  HttpServerOptions options = WithToken();
  options.tls_cert_file = dir_ + "/cert.pem";
  options.tls_key_file = dir_ + "/key.pem";
  auto server = Start(options);
  ASSERT_TRUE(server);
  ASSERT_EQ(server->Address().rfind("https://", 0), 0u) << server->Address();
  EXPECT_EQ(Curl(server->Address() + "/healthz"), 200);
  EXPECT_EQ(Curl(server->Address() + "/api/v1/status"), 401);
  EXPECT_EQ(
      Curl(server->Address() + "/api/v1/status", std::string("-H 'Authorization: Bearer ") + kToken + "'"),
      200);
  EXPECT_EQ(HttpGet(PortOf(*server), "/healthz").status, 0);
  EXPECT_EQ(Curl(server->Address() + "/healthz"), 200) << "a plain-HTTP client did not break the listener";
}

TEST_F(TlsFiles, HalfATlsPairOrAnUnreadableFileIsRefused) {
  HttpServerOptions options;
  options.listen = "127.0.0.1:0";
  options.tls_cert_file = dir_ + "/cert.pem";
  auto half = StartHttpServer(options, Routes());
  ASSERT_FALSE(half.ok());
  EXPECT_EQ(half.status().code(), Code::kInvalidArgument);
  options.tls_key_file = dir_ + "/missing.pem";
  auto missing = StartHttpServer(options, Routes());
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("missing.pem"), std::string::npos);
}

}  // namespace
}  // namespace swarmop::reconciler

namespace swarmop::reconciler {
namespace {

TEST(AnswerRawHttpRequest, AnswersBytesAsAConnectionWould) {
  HttpServerOptions options;
  options.access.bearer_token = kToken;
  auto answer = [&](const std::string& bytes) { return AnswerRawHttpRequest(Routes(), options, bytes); };
  EXPECT_EQ(answer("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
  std::string anonymous = answer("GET /api/v1/status HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(anonymous.rfind("HTTP/1.1 401", 0), 0u) << anonymous;
  EXPECT_NE(anonymous.find("WWW-Authenticate: Bearer realm=\"swarmop\""), std::string::npos);
  EXPECT_EQ(answer("GET /api/v1/status HTTP/1.1\r\nAuthorization: Bearer " + std::string(kToken) + "\r\n\r\n")
                .rfind("HTTP/1.1 200", 0),
            0u);
  EXPECT_EQ(answer("GET / HTTP/1.1\r\nX: " + std::string(9000, 'x') + "\r\n\r\n").rfind("HTTP/1.1 431", 0),
            0u);
  EXPECT_EQ(answer("GET /healthz HTTP/1.1\r\nContent-Length: 5000\r\n\r\n").rfind("HTTP/1.1 413", 0), 0u);
  EXPECT_EQ(answer("\x01\x02 nonsense\r\n\r\n").rfind("HTTP/1.1 400", 0), 0u);
  EXPECT_EQ(answer("GET /healthz HTTP/1.1\r\nHost:"), "") << "half a request: no answer yet";
  EXPECT_EQ(answer(""), "");
}

}  // namespace
}  // namespace swarmop::reconciler
