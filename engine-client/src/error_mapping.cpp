#include "error_mapping.h"

#include "json_codec.h"

namespace swarmop::engine {
namespace {

bool Contains(const std::string& haystack, const char* needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

std::string EngineMessage(const std::string& body) {
  auto parsed = ParseEngineJson(body);
  if (parsed.is_object() && parsed.contains("message") && parsed["message"].is_string()) {
    return parsed["message"].get<std::string>();
  }
  std::string text = body;
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  return text;
}

Status StatusFromHttp(int http_status, const std::string& body, const std::string& what) {
  if (http_status >= 200 && http_status < 300) return Status::Ok();
  std::string message = EngineMessage(body);
  if (message.empty()) message = "HTTP " + std::to_string(http_status);
  message += " (" + what + ")";
  // The engine's meanings onto generic codes; the message keeps its words. Order matters: the engine reports
  // a stale version as a 500 ("update out of sequence": kAborted, re-read and retry), and a node that is no
  // swarm manager as a 503 ("not a swarm manager" / "not part of a swarm": kFailedPrecondition, the call
  // cannot succeed until the node's role changes; any other 503 is kUnavailable).
  if (Contains(message, "update out of sequence")) return AbortedError(message);
  if (Contains(message, "not a swarm manager") || Contains(message, "not part of a swarm")) {
    return FailedPreconditionError(message);
  }
  switch (http_status) {
    case 400:
      // Removing a config/secret a service still uses is a 400 the caller should treat as "not now".
      if (Contains(message, "is in use")) return FailedPreconditionError(message);
      return InvalidArgumentError(message);
    case 403:  // e.g. a network with active endpoints
      return FailedPreconditionError(message);
    case 404:
      return NotFoundError(message);
    case 409:
      return ConflictError(message);
    case 501:
      return NotSupportedError(message);
    case 503:
      return UnavailableError(message);
    default:
      if (http_status >= 400 && http_status < 500) return InvalidArgumentError(message);
      return InternalError(message);
  }
}

Status ConnectError(const Endpoint& endpoint, const std::string& reason) {
  std::string hint =
      endpoint.scheme == Endpoint::Scheme::kUnix
          ? "is dockerd running? set DOCKER_HOST"
          : "is dockerd listening there? check DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH";
  return UnavailableError("cannot connect to the Docker engine at " + endpoint.ToString() + ": " + reason +
                          " (" + hint + ")");
}

}  // namespace swarmop::engine
