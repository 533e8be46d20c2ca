#include "swarmop_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

namespace swarmop::testsupport {
using std::chrono::milliseconds;

std::unique_ptr<SwarmopProcess> SwarmopProcess::Start(const std::string& binary,
                                                      const std::vector<std::string>& args,
                                                      const std::string& docker_host,
                                                      const std::string& log_path) {
  auto process = std::unique_ptr<SwarmopProcess>(new SwarmopProcess());
  pid_t pid = fork();
  if (pid < 0) return nullptr;
  if (pid == 0) {
    int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (log >= 0) {
      dup2(log, 1);
      dup2(log, 2);
    }
    setenv("DOCKER_HOST", docker_host.c_str(), 1);
    setenv("GLOG_logtostderr", "1", 1);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(binary.c_str()));
    for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  process->pid_ = pid;
  return process;
}

SwarmopProcess::~SwarmopProcess() {
  if (Running()) Stop(SIGKILL);
}

int SwarmopProcess::Reap(int options) {
  if (pid_ <= 0) return exit_status_;
  int status = 0;
  pid_t done = waitpid(pid_, &status, options);
  if (done != pid_) return -1;
  pid_ = -1;
  exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return exit_status_;
}

bool SwarmopProcess::Running() {
  if (pid_ <= 0) return false;
  Reap(WNOHANG);
  return pid_ > 0;
}

int SwarmopProcess::Stop(int signal) {
  if (pid_ <= 0) return exit_status_;
  kill(pid_, signal);
  return Reap(0);
}

int SwarmopProcess::Wait(milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (Running()) {
    if (std::chrono::steady_clock::now() >= deadline) {
      Stop(SIGKILL);
      return -1;
    }
    std::this_thread::sleep_for(milliseconds(20));
  }
  return exit_status_;
}

int RunSwarmop(const std::string& binary, const std::vector<std::string>& args,
               const std::string& docker_host, const std::string& log_path, milliseconds limit) {
  auto process = SwarmopProcess::Start(binary, args, docker_host, log_path);
  return process ? process->Wait(limit) : -1;
}

std::string Capture(const std::string& command) {
  FILE* pipe = popen((command + " 2>/dev/null").c_str(), "r");
  if (!pipe) return "";
  std::string out;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) out.append(buffer, n);
  pclose(pipe);
  return out;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
}

}  // namespace swarmop::testsupport
