// Helpers for integration tests that drive the real swarmop binary against the test bed: start it as a
// process with its output in a log file, stop or SIGKILL it, run a command and capture its output.
// Test-only.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace swarmop::testsupport {

class SwarmopProcess {
 public:
  // Runs `binary args...` with the test's environment and DOCKER_HOST=docker_host, stdout and stderr
  // appended to `log_path` (the test's own when empty); null when it cannot fork. The process dies with the
  // thread that started it (PR_SET_PDEATHSIG): a crashed test leaves no swarmop behind.
  static std::unique_ptr<SwarmopProcess> Start(const std::string& binary,
                                               const std::vector<std::string>& args,
                                               const std::string& docker_host, const std::string& log_path);
  ~SwarmopProcess();  // SIGKILL if still running

  pid_t pid() const { return pid_; }  // -1 once reaped
  bool Running();                     // false once it exited (then exit_status() tells how)
  // Sends `signal` and waits; returns the exit code, or 128 + the signal that ended it (the earlier exit
  // status when it was already reaped).
  int Stop(int signal);
  // Sends `signal` without waiting (SIGSTOP, SIGCONT, ...).
  void Signal(int signal);
  // Waits up to `limit` for it to exit on its own; -1 on timeout (it is then SIGKILLed).
  int Wait(std::chrono::milliseconds limit);
  int exit_status() const { return exit_status_; }

 private:
  int Reap(int options);
  pid_t pid_ = -1;
  int exit_status_ = -1;
};

// Runs `binary args...` to completion (at most `limit`); returns its exit code (-1 on timeout).
int RunSwarmop(const std::string& binary, const std::vector<std::string>& args,
               const std::string& docker_host, const std::string& log_path, std::chrono::milliseconds limit);

// `sh -c command`'s standard output (stderr dropped).
std::string Capture(const std::string& command);
std::string ReadFile(const std::string& path);
void WriteFile(const std::string& path, const std::string& content);

}  // namespace swarmop::testsupport
