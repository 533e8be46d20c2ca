#include "swarmop_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string_view>
#include <thread>

namespace swarmop::testsupport {
using std::chrono::milliseconds;

std::unique_ptr<SwarmopProcess> SwarmopProcess::Start(const std::string& binary,
                                                      const std::vector<std::string>& args,
                                                      const std::string& docker_host,
                                                      const std::string& log_path) {
  // Everything the child needs is prepared before fork(): only async-signal-safe calls after it (the test
  // may run other threads).
  std::vector<std::string> arg_text = {binary};
  arg_text.insert(arg_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& arg : arg_text) argv.push_back(arg.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_text = {"DOCKER_HOST=" + docker_host, "GLOG_logtostderr=1"};
  for (char** e = environ; *e; ++e) {
    std::string_view entry(*e);
    if (entry.rfind("DOCKER_HOST=", 0) != 0 && entry.rfind("GLOG_logtostderr=", 0) != 0)
      env_text.emplace_back(entry);
  }
  std::vector<char*> envp;
  for (auto& entry : env_text) envp.push_back(entry.data());
  envp.push_back(nullptr);
  int log = log_path.empty() ? -1 : ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

  pid_t pid = fork();
  if (pid < 0) {
    if (log >= 0) close(log);
    return nullptr;
  }
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (log >= 0) {
      dup2(log, 1);  // dup2 clears close-on-exec on the copies
      dup2(log, 2);
    }
    execve(binary.c_str(), argv.data(), envp.data());
    _exit(127);
  }
  if (log >= 0) close(log);
  auto process = std::unique_ptr<SwarmopProcess>(new SwarmopProcess());
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

void SwarmopProcess::Signal(int signal) {
  if (pid_ > 0) kill(pid_, signal);
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
