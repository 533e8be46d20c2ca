// libFuzzer target: the operator listener's request path (Beast's parser with the listener's limits, the
// bearer-token rule, routing) through AnswerRawHttpRequest, which answers raw bytes exactly as a connection
// would. The first input byte picks the options (token or not, small header/body limits reach the 431/413
// paths); the rest is what the client sends. Checks: the answer is "" (incomplete request) or one HTTP/1.x
// response; a protected path never answers without the token being in the request; a refusal never carries a
// handler's body.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "swarmop/reconciler/http/http_server.h"

namespace {

using swarmop::reconciler::HttpResponse;
using swarmop::reconciler::HttpRoutes;
using swarmop::reconciler::HttpServerOptions;

constexpr char kToken[] = "fuzz-token-7f3a";
constexpr char kProtectedBody[] = "protected-body-c41e";

const HttpRoutes& Routes() {
  static const HttpRoutes kRoutes = {
      {"/healthz",
       [] {
         return HttpResponse{200, "text/plain", "ok\n"};
       }},
      {"/readyz",
       [] {
         return HttpResponse{503, "text/plain", "not ready\n"};
       }},
      {"/api/v1/status",
       [] {
         return HttpResponse{200, "application/json", kProtectedBody};
       }},
      {"/metrics",
       [] {
         return HttpResponse{200, "text/plain", kProtectedBody};
       }},
  };
  return kRoutes;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t mode = data[0];
  HttpServerOptions options;
  if (mode & 1) options.access.bearer_token = kToken;
  if (mode & 2) options.header_limit = 64 + (mode >> 2);  // small enough to reach the 431 path
  if (mode & 4) options.body_limit = mode >> 3;
  std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);

  const std::string answer = swarmop::reconciler::AnswerRawHttpRequest(Routes(), options, bytes);
  if (answer.empty()) return 0;
  if (answer.rfind("HTTP/1.", 0) != 0 || answer.find("\r\n\r\n") == std::string::npos) std::abort();
  const bool protected_answer = answer.find(kProtectedBody) != std::string::npos;
  if (protected_answer && options.access.bearer_token &&
      bytes.find(std::string("Bearer ") + kToken) == std::string_view::npos) {
    std::abort();  // a protected handler answered a request that did not carry the token
  }
  const int status = std::atoi(answer.c_str() + 9);
  if ((status == 400 || status == 401 || status == 413 || status == 431) && protected_answer) std::abort();
  return 0;
}
