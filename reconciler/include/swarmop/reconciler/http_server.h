// HttpServer: swarmop's own small HTTP surface (/healthz, /readyz, /metrics, /api/v1/status), GET only.
// Handlers are plain functions returning a response, so they are testable without a socket; cpprestsdk
// (http_listener) stays in http_server.cpp.
// Thread-safety: handlers run on cpprestsdk's thread pool, possibly concurrently; Stop() is idempotent.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "swarmop/base/status.h"

namespace swarmop::reconciler {

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

using HttpHandler = std::function<HttpResponse()>;
using HttpRoutes = std::map<std::string, HttpHandler>;  // exact path ("/healthz") -> handler

class HttpServer {
 public:
  virtual ~HttpServer() = default;
  // Stops accepting connections and waits for the listener to close.
  virtual void Stop() = 0;
  virtual std::string Address() const = 0;  // "http://127.0.0.1:8080"
};

// Listens on `listen_address` ("0.0.0.0:8080", "127.0.0.1:18080"). Unknown paths answer 404, other methods
// 405. Fails with kInvalidArgument for a malformed address and kUnavailable when the port cannot be bound.
StatusOr<std::unique_ptr<HttpServer>> StartHttpServer(const std::string& listen_address, HttpRoutes routes);

}  // namespace swarmop::reconciler
