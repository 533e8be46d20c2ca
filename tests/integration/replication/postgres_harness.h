// A small harness for real PostgreSQL servers in a temp directory: initdb, pg_ctl, psql as the postgres
// user, on 127.0.0.1. Every server is stopped and the directory removed when the harness is destroyed.
#pragma once

#include <string>
#include <vector>

namespace swarmop::testing {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

// Runs `command` with sh; when root, as the postgres user (initdb refuses root).
CommandResult RunAsPostgres(const std::string& command, const std::string& env = "");

std::string Quote(const std::string& text);  // for sh

class PostgresHarness {
 public:
  PostgresHarness();
  ~PostgresHarness();  // stops every server, removes the directory

  // Empty when the harness is usable; else why not (missing binaries, no temp dir, no free port).
  const std::string& problem() const { return problem_; }
  const std::string& dir() const { return dir_; }
  std::string Bin(const std::string& program) const { return bin_dir_ + "/" + program; }
  // The "Swarm secret": a file holding the superuser password.
  const std::string& password_file() const { return password_file_; }

  // A loopback port no other process can take until this harness is destroyed: the kernel picks it (bind to
  // port 0) and the harness keeps that socket bound, with SO_REUSEADDR and never listening, so a PostgreSQL
  // server (which binds with SO_REUSEADDR) can listen on it while every other bind, and the kernel's own
  // choice of a port for anyone else, avoids it. Several test beds running at once never share a port
  // (checking a fixed range and releasing the probe did: "could not bind ... Address already in use").
  // -1 when no socket could be bound.
  int FreePort();
  // Writes `content` to `path` (owned by postgres, mode 0600).
  void WriteFile(const std::string& path, const std::string& content) const;

  // initdb with the password from password_file() (as the image's POSTGRES_PASSWORD_FILE does).
  CommandResult InitDb(const std::string& data_dir) const;
  // pg_ctl start with `config_file`; port, loopback and socket directory are instance options given on the
  // command line (they override the rendered listen_addresses = '*').
  CommandResult Start(const std::string& data_dir, const std::string& config_file, int port);
  CommandResult Stop(const std::string& data_dir);
  // A server started some other way (e.g. by a rendered start script) that teardown must stop too.
  void Adopt(const std::string& data_dir) { running_.push_back(data_dir); }
  // psql over the unix socket (peer), -At output.
  CommandResult Sql(int port, const std::string& database, const std::string& sql) const;
  std::string SqlValue(int port, const std::string& database, const std::string& sql) const;
  // Polls `sql` until it prints `expected` or `seconds` pass; returns the last output.
  std::string WaitFor(int port, const std::string& database, const std::string& sql,
                      const std::string& expected, int seconds = 30) const;
  // The server log of `data_dir` (for failure messages).
  std::string Log(const std::string& data_dir) const;

 private:
  std::string problem_;
  std::string bin_dir_;
  std::string dir_;
  std::string password_file_;
  std::vector<std::string> running_;
  std::vector<int> reserved_fds_;  // the sockets holding FreePort()'s ports
};

}  // namespace swarmop::testing
