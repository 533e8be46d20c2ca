#include "bed_env.h"

#include <unistd.h>

#include <cstdlib>

namespace swarmop::testsupport {

StatusOr<std::string> TestBedHost() {
  const char* host = std::getenv("SWARMOP_TEST_DOCKER_HOST");
  if (!host || !*host)
    return FailedPreconditionError(
        "SWARMOP_TEST_DOCKER_HOST is not set: start the test bed (tests/testbed/testbed.sh up) and export "
        "what it prints");
  return std::string(host);
}

StatusOr<std::unique_ptr<engine::Engine>> ConnectEngine(
    const std::string& docker_host, std::optional<std::chrono::milliseconds> request_timeout) {
  auto endpoint = engine::ParseDockerHost(docker_host);
  if (!endpoint.ok()) return endpoint.status();
  if (request_timeout) endpoint->request_timeout = *request_timeout;
  return engine::Connect(*endpoint);
}

StatusOr<std::unique_ptr<engine::Engine>> ConnectTestBed(std::string* host_out) {
  auto host = TestBedHost();
  if (!host.ok()) return host.status();
  auto connected = ConnectEngine(*host);
  if (!connected.ok())
    return UnavailableError("the test bed at " + *host + " is unreachable: " + connected.status().ToString());
  if (host_out) *host_out = *host;
  return std::move(connected).value();
}

std::string DockerCli() {
  const char* cli = std::getenv("TESTBED_DOCKER_CLI");
  if (cli && *cli) return cli;
  return access("/usr/bin/docker", X_OK) == 0 ? "/usr/bin/docker" : "docker";
}

}  // namespace swarmop::testsupport
