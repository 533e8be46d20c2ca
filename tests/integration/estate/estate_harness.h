// EstateHarness: the demo estate (manifests/demo: PostgreSQL replication + the Django identity API, built
// from Debian packages by images/build.sh) on a private 3-node stretched test bed, reached the way an
// operator at each site would: the API on each site node's :8000 (host-mode port, from inside that node's
// network namespace), PostgreSQL through `docker exec psql` on the node that runs the server.
// Test-only; shells out to the docker CLI, curl and nsenter (all installed by `make deps`).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "eventually.h"
#include "swarmop/base/status.h"
#include "testbed.h"

namespace swarmop::estate_it {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};
// Runs `command` with /bin/sh; never throws.
CommandResult Shell(const std::string& command);

struct HttpAnswer {
  int status = 0;  // 0: no answer (connection refused, timeout)
  std::string body;
};

using testsupport::Eventually;  // tests/support/eventually.h

class EstateHarness {
 public:
  // Starts the bed, loads the images into every node, creates the estate's secrets and runs
  // `swarmop apply -f manifests/demo --wait`. Fails (never skips) when any step fails.
  static StatusOr<std::unique_ptr<EstateHarness>> Start();
  ~EstateHarness();

  testsupport::TestBed& bed() { return *bed_; }
  std::string DockerHost(const std::string& site) const { return bed_->DockerHost(site); }
  double apply_seconds() const { return apply_seconds_; }

  // The identity API at `site` (its node's :8000).
  HttpAnswer Api(const std::string& site, const std::string& method, const std::string& path,
                 const std::string& json_body = "") const;
  // POST /accounts at `site`; the new account's id, or an error with the answer.
  StatusOr<std::string> CreateAccount(const std::string& site, const std::string& username) const;

  // psql -tA on the running container of Swarm service `service`, on the node of `site`.
  StatusOr<std::string> Sql(const std::string& site, const std::string& service,
                            const std::string& sql) const;
  // Ids of accounts in `service`'s database written at `written_at` (every site when empty).
  StatusOr<std::set<std::string>> AccountIds(const std::string& site, const std::string& service,
                                             const std::string& written_at = "") const;
  // The running container of Swarm service `service` on the node of `site`; empty when none runs.
  std::string ContainerOf(const std::string& site, const std::string& service) const;
  // `docker exec` in that container; the command's output, or an error with it.
  StatusOr<std::string> Exec(const std::string& site, const std::string& service,
                             const std::string& command) const;

  // Deploys swarmop itself the way users run it: manifests/swarmop-stack.yaml (image local/swarmop:dev from
  // images/build.sh), on the cloud manager, with its token secret. Waits until its task runs.
  Status DeployOperator();
  static constexpr const char* kOperatorService = "swarmop_swarmop";

  // The test's own log lines ("[estate] ...").
  static void Log(const std::string& line);

 private:
  EstateHarness() = default;
  Status LoadImages();
  Status CreateSecrets();
  Status CreateOperatorNetwork();
  StatusOr<std::string> ManifestsForThisBed();
  Status Apply();
  std::string Docker(const std::string& site) const;

  std::unique_ptr<testsupport::TestBed> bed_;
  std::string manifests_dir_;  // the copy of manifests/demo applied to this bed
  double apply_seconds_ = 0;
};

}  // namespace swarmop::estate_it
