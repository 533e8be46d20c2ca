// Maps engine HTTP answers and transport failures to swarmop::Status. Internal to engine-client.
#pragma once

#include <string>

#include "swarmop/base/status.h"
#include "swarmop/engine/endpoint.h"

namespace swarmop::engine {

// `body` is the engine's error body ({"message": "..."} or plain text); `what` names the request
// ("POST /v1.41/services/x/update") and is appended for context.
Status StatusFromHttp(int http_status, const std::string& body, const std::string& what);

// Extracts "message" from an engine error body, or returns the trimmed body.
std::string EngineMessage(const std::string& body);

// "cannot connect to the Docker engine at unix:///x/docker.sock: No such file or directory (is dockerd
// running? set DOCKER_HOST)".
Status ConnectError(const Endpoint& endpoint, const std::string& reason);

}  // namespace swarmop::engine
