#include "estate_harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <iostream>
#include <sstream>
#include <thread>

namespace swarmop::estate_it {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr const char* kDatabase = "users_db";  // PostgresDatabaseName of Replication users-db
constexpr const char* kDocker = "/usr/bin/docker";

// Single quotes for /bin/sh.
std::string Quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string Trim(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ' || text.back() == '\r')) text.pop_back();
  return text;
}

// `"id": "..."` out of the API's JSON answer (the test has no need of a JSON library for one field).
std::string JsonString(const std::string& body, const std::string& key) {
  std::string marker = "\"" + key + "\": \"";
  auto at = body.find(marker);
  if (at == std::string::npos) return "";
  at += marker.size();
  auto end = body.find('"', at);
  return end == std::string::npos ? "" : body.substr(at, end - at);
}

}  // namespace

CommandResult Shell(const std::string& command) {
  CommandResult result;
  FILE* pipe = ::popen(("(" + command + ") 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  size_t n;
  while ((n = ::fread(buffer, 1, sizeof buffer, pipe)) > 0) result.output.append(buffer, n);
  int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
  return result;
}

EstateHarness::~EstateHarness() {
  if (!manifests_dir_.empty()) Shell("rm -rf " + Quote(manifests_dir_));
}

void EstateHarness::Log(const std::string& line) { std::cout << "[estate] " << line << std::endl; }

StatusOr<std::unique_ptr<EstateHarness>> EstateHarness::Start() {
  std::unique_ptr<EstateHarness> harness(new EstateHarness());
  auto bed = testsupport::TestBed::Up("stretched");
  if (!bed.ok()) return bed.status();
  harness->bed_ = std::move(*bed);
  Log("3-node bed up in " + std::to_string(harness->bed_->up_seconds()) + " s");
  SWARMOP_RETURN_IF_ERROR(harness->LoadImages());
  SWARMOP_RETURN_IF_ERROR(harness->CreateSecrets());
  SWARMOP_RETURN_IF_ERROR(harness->CreateOperatorNetwork());
  SWARMOP_RETURN_IF_ERROR(harness->Apply());
  SWARMOP_RETURN_IF_ERROR(harness->DeployOperator());
  return harness;
}

std::string EstateHarness::Docker(const std::string& site) const {
  return std::string(kDocker) + " -H " + Quote(DockerHost(site));
}

Status EstateHarness::LoadImages() {
  std::string hosts;
  for (const auto& [site, node] : bed_->sites()) hosts += " " + Quote(DockerHost(site));
  auto start = SteadyClock::now();
  CommandResult loaded =
      Shell(std::string(SWARMOP_SOURCE_DIR) + "/images/load.sh --dir " + Quote(SWARMOP_IMAGES_DIR) + hosts);
  if (loaded.exit_code != 0) {
    return UnavailableError("images/load.sh failed (build the images first: make images):\n" + loaded.output);
  }
  Log("images loaded into 3 nodes in " +
      std::to_string(std::chrono::duration<double>(SteadyClock::now() - start).count()) + " s");
  return Status::Ok();
}

Status EstateHarness::CreateSecrets() {
  // Random values, made on the spot: the test never needs to know them.
  for (const char* name : {"users-db-password", "identity-secret-key", "swarmop-api-token"}) {
    CommandResult made = Shell("head -c 24 /dev/urandom | base64 | tr -d '/+=\\n' | " + Docker("cloud") +
                               " secret create " + name + " -");
    if (made.exit_code != 0)
      return InternalError(std::string("docker secret create ") + name + ": " + made.output);
  }
  return Status::Ok();
}

// swarmop-ops, which the stack file takes as external and the prometheus spec attaches to. Unencrypted: the
// test bed's kernel carries no IPsec between nodes (tests/testbed/README.md).
Status EstateHarness::CreateOperatorNetwork() {
  CommandResult made = Shell(Docker("cloud") + " network create -d overlay --attachable swarmop-ops");
  if (made.exit_code != 0) return InternalError("docker network create swarmop-ops: " + made.output);
  return Status::Ok();
}

// manifests/demo with the prometheus spec's docker socket pointed at this bed's cloud engine.
StatusOr<std::string> EstateHarness::ManifestsForThisBed() {
  std::string dir = manifests_dir_ = "/tmp/swarmop-estate-manifests." + std::to_string(::getpid());
  std::string socket = DockerHost("cloud").substr(std::string("unix://").size());
  CommandResult copied =
      Shell("rm -rf " + Quote(dir) + " && cp -r " +
            Quote(std::string(SWARMOP_SOURCE_DIR) + "/manifests/demo") + " " + Quote(dir) + " && sed -i " +
            Quote("s|swarmop.io/docker-socket: .*|swarmop.io/docker-socket: " + socket + "|") + " " +
            Quote(dir + "/prometheus.yaml"));
  if (copied.exit_code != 0) return InternalError("copying manifests/demo: " + copied.output);
  return dir;
}

Status EstateHarness::Apply() {
  auto manifests = ManifestsForThisBed();
  if (!manifests.ok()) return manifests.status();
  auto start = SteadyClock::now();
  std::string command = "DOCKER_HOST=" + Quote(DockerHost("cloud")) + " " + SWARMOP_BINARY + " apply -f " +
                        Quote(*manifests) + " --wait --timeout 6m";
  Log(command);
  CommandResult applied = Shell(command);
  std::cout << applied.output;
  if (applied.exit_code != 0) {
    return UnavailableError("swarmop apply -f manifests/demo --wait failed (exit " +
                            std::to_string(applied.exit_code) + ")");
  }
  // Converged as Swarm sees it; serving is when every site's API answers /healthz.
  bool serving = Eventually(
      [&] {
        for (const char* site : {"cloud", "douala", "yaounde"}) {
          if (Api(site, "GET", "/healthz").status != 200) return false;
        }
        return true;
      },
      std::chrono::minutes(4), std::chrono::milliseconds(500));
  apply_seconds_ = std::chrono::duration<double>(SteadyClock::now() - start).count();
  if (!serving) {
    std::string why;
    for (const char* site : {"cloud", "douala", "yaounde"}) {
      HttpAnswer answer = Api(site, "GET", "/healthz");
      why += std::string("\n  ") + site + ": HTTP " + std::to_string(answer.status) + " " + answer.body;
    }
    return UnavailableError("the identity API is not serving at every site 4 min after apply:" + why);
  }
  Log("apply -> every site serving: " + std::to_string(apply_seconds_) + " s");
  return Status::Ok();
}

HttpAnswer EstateHarness::Api(const std::string& site, const std::string& method, const std::string& path,
                              const std::string& json_body) const {
  std::string command = "nsenter --net=/var/run/netns/" + bed_->sites().at(site).netns +
                        " curl -sS -m 10 -o - -w '\\n%{http_code}' -X " + method;
  if (!json_body.empty()) command += " -H 'Content-Type: application/json' --data " + Quote(json_body);
  command += " " + Quote("http://127.0.0.1:8000" + path);
  CommandResult result = Shell(command);
  HttpAnswer answer;
  std::string output = Trim(result.output);
  auto newline = output.rfind('\n');
  std::string code = newline == std::string::npos ? output : output.substr(newline + 1);
  answer.status = std::atoi(code.c_str());
  answer.body = newline == std::string::npos ? "" : output.substr(0, newline);
  return answer;
}

StatusOr<std::string> EstateHarness::CreateAccount(const std::string& site,
                                                   const std::string& username) const {
  HttpAnswer answer = Api(site, "POST", "/accounts", "{\"username\": \"" + username + "\"}");
  std::string id = JsonString(answer.body, "id");
  if (answer.status != 201 || id.empty()) {
    return UnavailableError("POST /accounts at " + site + ": HTTP " + std::to_string(answer.status) + " " +
                            answer.body);
  }
  return id;
}

std::string EstateHarness::ContainerOf(const std::string& site, const std::string& service) const {
  CommandResult found = Shell(Docker(site) + " ps -q --filter status=running --filter " +
                              Quote("label=com.docker.swarm.service.name=" + service));
  std::istringstream lines(found.output);
  std::string first;
  std::getline(lines, first);
  return found.exit_code == 0 ? Trim(first) : "";
}

StatusOr<std::string> EstateHarness::Exec(const std::string& site, const std::string& service,
                                          const std::string& command) const {
  std::string container = ContainerOf(site, service);
  if (container.empty()) return UnavailableError("no running container of " + service + " at " + site);
  CommandResult result = Shell(Docker(site) + " exec " + container + " " + command);
  if (result.exit_code != 0) return UnavailableError(service + ": " + command + ": " + result.output);
  return result.output;
}

Status EstateHarness::DeployOperator() {
  std::string socket = DockerHost("cloud").substr(std::string("unix://").size());
  CommandResult deployed =
      Shell("DOCKER_HOST=" + Quote(DockerHost("cloud")) +
            " SWARMOP_IMAGE=local/swarmop:dev SWARMOP_DOCKER_SOCKET=" + Quote(socket) + " " + kDocker +
            " stack deploy --resolve-image never -c " +
            Quote(std::string(SWARMOP_SOURCE_DIR) + "/manifests/swarmop-stack.yaml") + " swarmop");
  if (deployed.exit_code != 0) return InternalError("docker stack deploy swarmop: " + deployed.output);
  if (!Eventually([&] { return !ContainerOf("cloud", kOperatorService).empty(); },
                  std::chrono::seconds(60))) {
    CommandResult ps = Shell(Docker("cloud") + " service ps --no-trunc " + kOperatorService);
    return UnavailableError("swarmop's own service never ran:\n" + ps.output);
  }
  Log("swarmop runs as the Swarm service " + std::string(kOperatorService) +
      " (manifests/swarmop-stack.yaml)");
  return Status::Ok();
}

StatusOr<std::string> EstateHarness::Sql(const std::string& site, const std::string& service,
                                         const std::string& sql) const {
  std::string container = ContainerOf(site, service);
  if (container.empty()) return UnavailableError("no running container of " + service + " at " + site);
  CommandResult result = Shell(Docker(site) + " exec -u postgres " + container + " psql -X -q -tA -d " +
                               kDatabase + " -v ON_ERROR_STOP=1 -c " + Quote(sql));
  if (result.exit_code != 0) return UnavailableError(service + ": psql failed: " + result.output);
  return Trim(result.output);
}

StatusOr<std::set<std::string>> EstateHarness::AccountIds(const std::string& site, const std::string& service,
                                                          const std::string& written_at) const {
  std::string sql = "SELECT id FROM accounts_account";
  if (!written_at.empty()) sql += " WHERE site = '" + written_at + "'";
  auto rows = Sql(site, service, sql);
  if (!rows.ok()) return rows.status();
  std::set<std::string> ids;
  std::istringstream lines(*rows);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) ids.insert(line);
  }
  return ids;
}

}  // namespace swarmop::estate_it
