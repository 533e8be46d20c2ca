// The real Engine over an HttpTransport. Internal to engine-client; tests reach it through these factories.
#pragma once

#include <memory>
#include <string>

#include "http_transport.h"
#include "swarmop/engine/engine.h"

namespace swarmop::engine {

// GET /_ping's Api-Version header (GET /version's ApiVersion if the header is missing), capped at
// kMaxApiVersion. endpoint.api_version, when set, wins without asking.
StatusOr<std::string> NegotiateApiVersion(HttpTransport& transport);

// An Engine over `transport`, using `api_version` in every path.
std::unique_ptr<Engine> NewEngine(std::shared_ptr<HttpTransport> transport, std::string api_version);

}  // namespace swarmop::engine
