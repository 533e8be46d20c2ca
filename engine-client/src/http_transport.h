// HttpTransport: HTTP/1.1 to the engine, with Beast kept out of every other file.
// Internal to engine-client.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "swarmop/base/status.h"
#include "swarmop/engine/endpoint.h"

namespace swarmop::engine {

struct HttpRequest {
  std::string method = "GET";
  std::string target;  // "/v1.41/services?filters=..."
  std::string body;    // sent as application/json when not empty (or for POST)
  // Extra request headers (X-Registry-Auth). Values may be secrets: never log them.
  std::map<std::string, std::string> headers = {};
};

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;

  std::string Header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

// The body of a streaming response, already de-chunked.
class HttpBodyReader {
 public:
  virtual ~HttpBodyReader() = default;
  // Blocks until some body bytes arrive. Returns them; an empty string means the stream ended cleanly.
  virtual StatusOr<std::string> ReadSome() = 0;
  // Makes a blocked ReadSome() return. Safe from any thread.
  virtual void Shutdown() = 0;
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // One request and its whole response, under endpoint.request_timeout. Transport failures are
  // kUnavailable / kTimeout; any HTTP status is returned as a response.
  virtual StatusOr<HttpResponse> RoundTrip(const HttpRequest& request) = 0;
  // Opens a streaming response (no deadline on the body). A non-2xx status is returned as an error mapped
  // from the response (see error_mapping.h).
  virtual StatusOr<std::unique_ptr<HttpBodyReader>> OpenStream(const HttpRequest& request) = 0;
  virtual const Endpoint& endpoint() const = 0;
};

// The Boost.Beast implementation: keeps idle keep-alive connections in a small pool.
// Fails only on a bad TLS set-up (unreadable ca.pem, cert.pem, key.pem); connecting happens per request.
StatusOr<std::unique_ptr<HttpTransport>> NewBeastTransport(const Endpoint& endpoint);

}  // namespace swarmop::engine
