// HttpServer: swarmop's own small HTTP surface (/healthz, /readyz, /metrics, /api/v1/status), GET only,
// plus POST on the paths of HttpServerOptions::post_routes (the GitLab webhook).
// Handlers are plain functions returning a response, so they are testable without a socket; the request
// policy (bearer token, public paths, methods) is a pure function in http_request.h; Boost.Beast stays in
// http_server.cpp.
//
// Hostile clients (issue 14): every connection is asynchronous (a stuck client costs one descriptor, never
// a thread); a request (TLS handshake, header and body) must arrive whole within `request_timeout` or the
// connection is closed, so a client that sends nothing or a byte a second is dropped; at
// `max_connections` the connection that has waited longest for its request is closed to admit the new one,
// so /healthz keeps answering while many such clients hang. A header block over `header_limit` answers 431,
// a body over `body_limit` answers 413, a malformed request 400; each then closes the connection.
// Thread-safety: handlers run on the server's I/O threads, possibly concurrently; Stop() is idempotent.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "swarmop/base/status.h"

namespace swarmop::reconciler {

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers = {};  // extra headers (WWW-Authenticate)
};

using HttpHandler = std::function<HttpResponse()>;
using HttpRoutes = std::map<std::string, HttpHandler>;  // exact path ("/healthz") -> handler

// A POST request as a handler sees it: header names in lower case, the whole body (within the limit).
struct HttpPostRequest {
  std::map<std::string, std::string> headers;
  std::string body;
  std::string Header(const std::string& lower_case_name) const {
    auto it = headers.find(lower_case_name);
    return it == headers.end() ? std::string() : it->second;
  }
  bool HasHeader(const std::string& lower_case_name) const { return headers.count(lower_case_name) > 0; }
};
using HttpPostHandler = std::function<HttpResponse(const HttpPostRequest&)>;
// Exact path -> handler for POST (webhooks). These paths need no bearer token: each handler checks the
// secret its sender uses (GitLab's X-Gitlab-Token). Their bodies may reach `post_body_limit`.
using HttpPostRoutes = std::map<std::string, HttpPostHandler>;

// Who may read what (AnswerHttpRequest in http_request.h applies it).
struct HttpAccess {
  // Given: every path outside `public_paths` requires "Authorization: Bearer <token>" (compared in
  // constant time), otherwise 401 with WWW-Authenticate. Absent: every path is served without a token,
  // which StartHttpServer allows on a loopback address only.
  std::optional<std::string> bearer_token;
  std::set<std::string> public_paths = {"/healthz", "/readyz"};
};

struct HttpServerOptions {
  std::string listen = "127.0.0.1:8080";  // HOST:PORT; IPv4, [IPv6] or localhost; port 0 picks a free one
  HttpAccess access;
  // TLS (both or neither): PEM certificate chain and private key files.
  std::string tls_cert_file;
  std::string tls_key_file;
  size_t header_limit = 8 * 1024;        // request line + headers, bytes
  size_t body_limit = 1024;              // GET requests carry no body
  HttpPostRoutes post_routes;            // POST paths (webhooks) and their handlers
  size_t post_body_limit = 1024 * 1024;  // body limit of a POST to one of post_routes (GitLab push events)
  std::chrono::milliseconds request_timeout{10000};
  size_t max_connections = 256;
  int threads = 2;
};

class HttpServer {
 public:
  virtual ~HttpServer() = default;
  // Stops accepting connections, closes the open ones and joins the I/O threads.
  virtual void Stop() = 0;
  virtual std::string Address() const = 0;  // "http://127.0.0.1:8080" (the bound port), "https://..."
};

// Fails with kInvalidArgument for a malformed address, a token-less non-loopback address, half a TLS pair
// or unreadable TLS files, and kUnavailable when the port cannot be bound.
StatusOr<std::unique_ptr<HttpServer>> StartHttpServer(HttpServerOptions options, HttpRoutes routes);

// No token, no TLS: for loopback addresses (tests, local tools).
StatusOr<std::unique_ptr<HttpServer>> StartHttpServer(const std::string& listen_address, HttpRoutes routes);

// The bytes the listener writes back for one request arriving as `bytes` (same parser, limits and access
// rule as a connection; no TLS, no deadline): an answer, a 431/413/400 refusal, or "" when the bytes end
// before a whole request (the connection would wait, then close). For fuzzers and tests.
std::string AnswerRawHttpRequest(const HttpRoutes& routes, const HttpServerOptions& options,
                                 std::string_view bytes);

// True when HOST of "HOST:PORT" is a loopback address (127.0.0.0/8, ::1, localhost). Malformed: false.
bool IsLoopbackListenAddress(const std::string& listen_address);

}  // namespace swarmop::reconciler
