// What the operator's listener answers to one parsed request, as a pure function (no socket): the access
// check (bearer token on every non-public path), the method check and the route. http_server.cpp calls it
// for every request; tests and fuzzers call it directly. Token handling never copies the token into a
// response or a log line. Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "swarmop/base/status.h"
#include "swarmop/reconciler/http/http_server.h"

namespace swarmop::reconciler {

struct HttpRequestView {
  std::string_view method;                        // "GET"
  std::string_view target;                        // "/api/v1/status?x=1" (the query is ignored)
  std::optional<std::string_view> authorization;  // the Authorization header's value, if sent
  const HttpPostRequest* post = nullptr;          // headers and body, for a POST to a post route
};

// Order: a non-public path without the right token answers 401 (whether the route exists or not, so an
// anonymous client learns nothing), then a method other than GET answers 405, an unknown path 404,
// a handler that throws 500; otherwise the handler's response.
HttpResponse AnswerHttpRequest(const HttpRoutes& routes, const HttpAccess& access,
                               const HttpRequestView& request);
// The same, where a POST to one of `post_routes` goes to its handler (no bearer token: it checks its own
// secret), with request.post (empty when null).
HttpResponse AnswerHttpRequest(const HttpRoutes& routes, const HttpPostRoutes& post_routes,
                               const HttpAccess& access, const HttpRequestView& request);

// True when `presented` equals `expected` (non-empty): SHA-256 digests compared with CRYPTO_memcmp, so
// neither the content nor the length of the secret leaks through timing.
bool SecretMatches(const std::string& expected, std::string_view presented);

// True when `authorization` is "Bearer <expected>" (scheme case-insensitive). Compares SHA-256 digests
// with CRYPTO_memcmp, so neither the content nor the length of the token leaks through timing.
bool BearerTokenMatches(const std::string& expected, std::string_view authorization);

// For the start-up log line: "bearer token required except /healthz /readyz" or "no authentication".
// Never includes the token.
std::string DescribeAccess(const HttpAccess& access);

// Reads a token file (a Swarm secret: /run/secrets/<name>): the first line without surrounding blanks.
// Fails when unreadable, empty, over 4 KiB, or holding characters a header cannot carry. The error never
// quotes the file's content.
StatusOr<std::string> ReadBearerTokenFile(const std::string& path);

}  // namespace swarmop::reconciler
