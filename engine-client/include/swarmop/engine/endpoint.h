// Endpoint: where the Docker engine is and how to talk to it (unix socket, tcp, tcp+TLS).
// Follows the docker CLI's environment conventions so operators need no new knobs.
// Thread-safety: plain value type.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "swarmop/base/status.h"

namespace swarmop::engine {

class RegistryAuth;  // registry_auth.h

struct TlsOptions {
  bool verify = true;     // verify the server certificate against ca_file (DOCKER_TLS_VERIFY)
  std::string ca_file;    // $DOCKER_CERT_PATH/ca.pem
  std::string cert_file;  // $DOCKER_CERT_PATH/cert.pem (client certificate)
  std::string key_file;   // $DOCKER_CERT_PATH/key.pem
};

struct Endpoint {
  enum class Scheme { kUnix, kTcp };

  Scheme scheme = Scheme::kUnix;
  std::string socket_path = "/var/run/docker.sock";  // kUnix
  std::string host;                                  // kTcp
  uint16_t port = 0;                                 // kTcp
  std::optional<TlsOptions> tls;                     // kTcp only

  // Empty: negotiate through GET /_ping. Otherwise used verbatim (DOCKER_API_VERSION), e.g. "1.41".
  std::string api_version;

  std::chrono::milliseconds connect_timeout{5000};
  // Deadline for every non-streaming request (write + whole response).
  std::chrono::milliseconds request_timeout{30000};

  // Registry credentials sent as X-Registry-Auth when a service is created or its image changes; null: none.
  std::shared_ptr<const RegistryAuth> registry_auth;

  // "unix:///var/run/docker.sock" or "tcp://10.0.0.1:2376"; used in error messages.
  std::string ToString() const;
};

// Parses a DOCKER_HOST value: "unix:///path", "tcp://host[:port]", "host:port" is rejected (ambiguous).
// A tcp endpoint without a port gets 2375 (2376 when `tls` is true).
StatusOr<Endpoint> ParseDockerHost(std::string_view docker_host, bool tls = false);

// Reads DOCKER_HOST (default unix:///var/run/docker.sock), DOCKER_TLS_VERIFY (non-empty: TLS and verify),
// DOCKER_TLS (non-empty: TLS without verification), DOCKER_CERT_PATH (default ~/.docker) and
// DOCKER_API_VERSION.
StatusOr<Endpoint> EndpointFromEnvironment();

// Same, with an injectable lookup (returns nullptr for unset variables); for tests.
using EnvLookup = std::function<const char*(const char* name)>;
StatusOr<Endpoint> EndpointFromEnvironment(const EnvLookup& getenv);

}  // namespace swarmop::engine
