#include "postgres_scripts.h"

#include "member_service.h"

namespace swarmop::reconciler::replication {
namespace {

// pgpass lines escape ':' and '\'. printf is a shell builtin: the password never appears in a process's
// argument list.
std::string WritePassfile(const std::string& passfile, const std::string& secret_variable) {
  return "umask 077\n"
         "mkdir -p \"$(dirname " +
         ShellQuote(passfile) +
         ")\"\n"
         "printf '*:*:*:postgres:%s\\n' \"$(sed -e 's/[\\\\:]/\\\\&/g' \"$" +
         secret_variable + "\")\" > " + ShellQuote(passfile) + "\n";
}

}  // namespace

std::string PostgresStartScript(const std::string& service_name, const std::string& passfile,
                                const std::string& conf_path,
                                const std::vector<std::string>& basebackup_args) {
  std::string out = "#!/bin/sh\n# swarmop: starts " + service_name + ". Generated; do not edit.\nset -eu\n";
  out += WritePassfile(passfile, "POSTGRES_PASSWORD_FILE");
  out += "chown postgres:postgres " + ShellQuote(passfile) + "\n";
  if (!basebackup_args.empty()) {
    std::string args;
    for (const auto& arg : basebackup_args) args += " " + ShellQuote(arg);
    out +=
        "if [ ! -s \"$PGDATA/PG_VERSION\" ]; then\n"
        "  mkdir -p \"$PGDATA\" && chown postgres:postgres \"$PGDATA\" && chmod 700 \"$PGDATA\"\n"
        "  until gosu postgres pg_basebackup -D \"$PGDATA\"" +
        args +
        "; do\n"
        "    echo 'swarmop: base backup failed (primary not ready?), retrying in 5s' >&2\n"
        "    find \"$PGDATA\" -mindepth 1 -delete; sleep 5\n"
        "  done\n"
        "  gosu postgres touch \"$PGDATA/standby.signal\"\n"
        "fi\n";
  }
  out += "exec docker-entrypoint.sh postgres -c config_file=" + ShellQuote(conf_path) + "\n";
  return out;
}

std::string PsqlJobScript(const std::string& passfile) {
  return "#!/bin/sh\n# swarmop: runs one SQL file against one server. Generated; do not edit.\nset -eu\n" +
         WritePassfile(passfile, "SWARMOP_PASSWORD_FILE") + "export PGPASSFILE=" + ShellQuote(passfile) +
         "\n"
         "exec psql -h \"$1\" -p \"$2\" -U postgres -d \"$3\" -v ON_ERROR_STOP=1 -f \"$4\"\n";
}

}  // namespace swarmop::reconciler::replication
