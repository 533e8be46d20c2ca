#include "swarm_harness.h"

#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "bed_env.h"  // tests/support

namespace swarmop::replication_it {
namespace {

CliResult RunShell(const std::string& command) {
  CliResult result;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return result;
  char buffer[4096];
  size_t n = 0;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) result.output.append(buffer, n);
  int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
  return result;
}

Status WriteExecutable(const std::string& path, const std::string& content) {
  std::ofstream out(path);
  out << content;
  out.close();
  if (!out) return InternalError("cannot write " + path);
  if (chmod(path.c_str(), 0755) != 0) return InternalError("cannot chmod " + path);
  return Status::Ok();
}

}  // namespace

CliResult Docker(const std::string& host, const std::string& args) {
  return RunShell(testsupport::DockerCli() + " -H '" + host + "' " + args);
}

Status BuildMongoStubImage(const std::string& host) {
  if (Docker(host, std::string("image inspect ") + kStubImage).exit_code == 0) return Status::Ok();
  char dir_template[] = "/tmp/swarmop-mongo-stub.XXXXXX";
  if (!mkdtemp(dir_template)) return InternalError("mkdtemp failed");
  const std::string dir = dir_template;
  // exec'd by the container as `mongod --replSet ...` (the member's args): runs until stopped.
  SWARMOP_RETURN_IF_ERROR(WriteExecutable(
      dir + "/mongod", "#!/bin/sh\necho \"mongod stand-in: $*\"\ntrap 'exit 0' TERM\nsleep 86400 &\nwait\n"));
  // `mongosh --quiet --nodb <script>` (the init/reconfig job): succeeds at once.
  SWARMOP_RETURN_IF_ERROR(
      WriteExecutable(dir + "/mongosh", "#!/bin/sh\necho \"mongosh stand-in: $*\"\nexit 0\n"));
  const std::string container = "swarmop-mongo-stub-" + std::to_string(getpid());
  CliResult created = Docker(host, "create --name " + container + " --network none local/busybox:1 true");
  Status status = Status::Ok();
  if (created.exit_code != 0) {
    status = InternalError("docker create: " + created.output);
  } else {
    for (const char* file : {"mongod", "mongosh"}) {
      CliResult copied = Docker(host, "cp " + dir + "/" + file + " " + container + ":/bin/" + file);
      if (copied.exit_code != 0 && status.ok()) status = InternalError("docker cp: " + copied.output);
    }
    if (status.ok()) {
      CliResult committed =
          Docker(host, "commit --change 'CMD [\"sh\"]' " + container + " " + std::string(kStubImage));
      if (committed.exit_code != 0) status = InternalError("docker commit: " + committed.output);
    }
    Docker(host, "rm -f " + container);
  }
  RunShell("rm -rf '" + dir + "'");
  return status;
}

StatusOr<std::set<std::string>> ListVolumes(const std::string& host) {
  CliResult listed = Docker(host, "volume ls -q");
  if (listed.exit_code != 0) return UnavailableError("docker volume ls at " + host + ": " + listed.output);
  std::set<std::string> out;
  std::istringstream lines(listed.output);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.empty()) out.insert(line);
  }
  return out;
}

Status RemoveVolumeEventually(const std::string& host, const std::string& name) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  for (;;) {
    CliResult removed = Docker(host, "volume rm " + name);
    if (removed.exit_code == 0 || removed.output.find("no such volume") != std::string::npos ||
        removed.output.find("No such volume") != std::string::npos)
      return Status::Ok();
    if (std::chrono::steady_clock::now() > deadline)
      return InternalError("cannot remove volume " + name + ": " + removed.output);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
}

}  // namespace swarmop::replication_it
