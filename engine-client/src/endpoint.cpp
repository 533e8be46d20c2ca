#include "swarmop/engine/endpoint.h"

#include <cstdlib>

namespace swarmop::engine {
namespace {

constexpr std::string_view kUnixPrefix = "unix://";
constexpr std::string_view kTcpPrefix = "tcp://";

}  // namespace

std::string Endpoint::ToString() const {
  if (scheme == Scheme::kUnix) return "unix://" + socket_path;
  return "tcp://" + host + ":" + std::to_string(port);
}

StatusOr<Endpoint> ParseDockerHost(std::string_view docker_host, bool tls) {
  Endpoint endpoint;
  if (docker_host.starts_with(kUnixPrefix)) {
    std::string_view path = docker_host.substr(kUnixPrefix.size());
    if (path.empty() || path.front() != '/') {
      return InvalidArgumentError("DOCKER_HOST " + std::string(docker_host) +
                                  ": a unix socket needs an absolute path (unix:///var/run/docker.sock)");
    }
    endpoint.scheme = Endpoint::Scheme::kUnix;
    endpoint.socket_path = std::string(path);
    return endpoint;
  }
  if (docker_host.starts_with(kTcpPrefix)) {
    std::string_view rest = docker_host.substr(kTcpPrefix.size());
    while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
    if (rest.empty()) return InvalidArgumentError("DOCKER_HOST " + std::string(docker_host) + ": no host");
    endpoint.scheme = Endpoint::Scheme::kTcp;
    uint32_t port = tls ? 2376 : 2375;
    std::string_view host = rest;
    // "[::1]:2376" keeps its brackets apart from the port colon.
    size_t colon = rest.rfind(':');
    size_t bracket = rest.rfind(']');
    if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
      host = rest.substr(0, colon);
      std::string_view port_text = rest.substr(colon + 1);
      if (port_text.empty() || port_text.size() > 5 ||
          port_text.find_first_not_of("0123456789") != std::string_view::npos) {
        return InvalidArgumentError("DOCKER_HOST " + std::string(docker_host) + ": bad port");
      }
      port = static_cast<uint32_t>(std::stoul(std::string(port_text)));
      if (port == 0 || port > 65535) {
        return InvalidArgumentError("DOCKER_HOST " + std::string(docker_host) + ": bad port");
      }
    }
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    if (host.empty()) return InvalidArgumentError("DOCKER_HOST " + std::string(docker_host) + ": no host");
    endpoint.host = std::string(host);
    endpoint.port = static_cast<uint16_t>(port);
    return endpoint;
  }
  return InvalidArgumentError("DOCKER_HOST " + std::string(docker_host) +
                              ": unsupported scheme (use unix:///path or tcp://host:port)");
}

StatusOr<Endpoint> EndpointFromEnvironment(const EnvLookup& getenv) {
  auto value = [&](const char* name) -> std::string {
    const char* v = getenv(name);
    return v ? std::string(v) : std::string();
  };
  bool tls_verify = !value("DOCKER_TLS_VERIFY").empty();
  bool tls = tls_verify || !value("DOCKER_TLS").empty();
  std::string docker_host = value("DOCKER_HOST");
  if (docker_host.empty()) docker_host = "unix:///var/run/docker.sock";

  StatusOr<Endpoint> parsed = ParseDockerHost(docker_host, tls);
  if (!parsed.ok()) return parsed.status();
  Endpoint endpoint = std::move(parsed).value();
  endpoint.api_version = value("DOCKER_API_VERSION");
  if (tls && endpoint.scheme == Endpoint::Scheme::kTcp) {
    std::string cert_path = value("DOCKER_CERT_PATH");
    if (cert_path.empty()) cert_path = value("HOME") + "/.docker";
    TlsOptions options;
    options.verify = tls_verify;
    options.ca_file = cert_path + "/ca.pem";
    options.cert_file = cert_path + "/cert.pem";
    options.key_file = cert_path + "/key.pem";
    endpoint.tls = options;
  }
  return endpoint;
}

StatusOr<Endpoint> EndpointFromEnvironment() {
  return EndpointFromEnvironment([](const char* name) { return std::getenv(name); });
}

}  // namespace swarmop::engine
