#include "postgres_harness.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

namespace swarmop::testing {
namespace {

namespace fs = std::filesystem;

// The newest /usr/lib/postgresql/<version>/bin holding initdb (Debian's layout), or "".
std::string FindBinDir() {
  std::string best;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    fs::path bin = entry.path() / "bin";
    if (fs::exists(bin / "initdb") && fs::exists(bin / "pg_ctl") && bin.string() > best) best = bin.string();
  }
  return best;
}

std::string RandomPassword() {
  std::random_device device;
  std::string out;
  const char* alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  for (int i = 0; i < 24; ++i) out += alphabet[device() % 57];
  // Characters the passfile format must escape (':' and '\\') and one the shell must not see ('\'').
  return out + ":\\'";
}

}  // namespace

std::string Quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

CommandResult RunAsPostgres(const std::string& command, const std::string& env) {
  std::string shell = env.empty() ? command : env + " " + command;
  std::string full =
      geteuid() == 0 ? "runuser -u postgres -- sh -c " + Quote(shell) : "sh -c " + Quote(shell);
  CommandResult result;
  FILE* pipe = popen((full + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.output.append(buffer.data(), n);
  int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

PostgresHarness::PostgresHarness() {
  bin_dir_ = FindBinDir();
  if (bin_dir_.empty()) {
    problem_ = "no PostgreSQL binaries under /usr/lib/postgresql/*/bin: apt-get install -y postgresql";
    return;
  }
  char pattern[] = "/tmp/swarmop-pg-XXXXXX";
  if (mkdtemp(pattern) == nullptr) {
    problem_ = "mkdtemp failed";
    return;
  }
  dir_ = pattern;
  if (geteuid() == 0) {
    passwd* pg = getpwnam("postgres");
    if (pg == nullptr) {
      problem_ = "running as root but there is no postgres user";
      return;
    }
    if (chown(dir_.c_str(), pg->pw_uid, pg->pw_gid) != 0) problem_ = "chown of " + dir_ + " failed";
  }
  password_file_ = dir_ + "/secret-users-db-password";
  WriteFile(password_file_, RandomPassword());
}

PostgresHarness::~PostgresHarness() {
  std::vector<std::string> running = running_;  // Stop() edits running_
  for (const auto& data_dir : running) Stop(data_dir);
  for (int fd : reserved_fds_) close(fd);
  std::error_code ec;
  if (!dir_.empty()) fs::remove_all(dir_, ec);
}

int PostgresHarness::FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = 0;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    return -1;
  }
  reserved_fds_.push_back(fd);
  return ntohs(addr.sin_port);
}

void PostgresHarness::WriteFile(const std::string& path, const std::string& content) const {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::trunc) << content;
  fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write);
  if (geteuid() == 0) {
    passwd* pg = getpwnam("postgres");
    if (pg != nullptr) {
      chown(path.c_str(), pg->pw_uid, pg->pw_gid);
      chown(fs::path(path).parent_path().c_str(), pg->pw_uid, pg->pw_gid);
    }
  }
}

CommandResult PostgresHarness::InitDb(const std::string& data_dir) const {
  return RunAsPostgres(Bin("initdb") + " -D " + Quote(data_dir) +
                       " -U postgres --pwfile=" + Quote(password_file_) +
                       " --auth-local=peer --auth-host=scram-sha-256 -E UTF8 --no-instructions");
}

CommandResult PostgresHarness::Start(const std::string& data_dir, const std::string& config_file, int port) {
  std::string options = "-c config_file=" + config_file + " -p " + std::to_string(port) +
                        " -c listen_addresses=127.0.0.1 -c unix_socket_directories=" + dir_;
  CommandResult result =
      RunAsPostgres(Bin("pg_ctl") + " -D " + Quote(data_dir) + " -l " + Quote(data_dir + ".log") + " -o " +
                    Quote(options) + " -w -t 60 start");
  if (result.exit_code == 0 && std::find(running_.begin(), running_.end(), data_dir) == running_.end()) {
    running_.push_back(data_dir);
  }
  return result;
}

CommandResult PostgresHarness::Stop(const std::string& data_dir) {
  running_.erase(std::remove(running_.begin(), running_.end(), data_dir), running_.end());
  return RunAsPostgres(Bin("pg_ctl") + " -D " + Quote(data_dir) + " -m fast -w -t 60 stop");
}

CommandResult PostgresHarness::Sql(int port, const std::string& database, const std::string& sql) const {
  return RunAsPostgres(Bin("psql") + " -X -At -v ON_ERROR_STOP=1 -h " + Quote(dir_) + " -p " +
                       std::to_string(port) + " -U postgres -d " + Quote(database) + " -c " + Quote(sql));
}

std::string PostgresHarness::SqlValue(int port, const std::string& database, const std::string& sql) const {
  std::string out = Sql(port, database, sql).output;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

std::string PostgresHarness::WaitFor(int port, const std::string& database, const std::string& sql,
                                     const std::string& expected, int seconds) const {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  std::string last;
  while (std::chrono::steady_clock::now() < deadline) {
    last = SqlValue(port, database, sql);
    if (last == expected) return last;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return last;
}

std::string PostgresHarness::Log(const std::string& data_dir) const {
  std::ifstream in(data_dir + ".log");
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace swarmop::testing
