// The shell scripts PostgreSQL containers run. Both write the libpq password file from the Swarm secret, so
// the password is never in an environment value, an argument, a config or a label.
#pragma once

#include <string>
#include <vector>

namespace swarmop::reconciler::replication {

// Starts a server of the official postgres image: writes the passfile, and for a read replica with an
// empty data directory takes the base backup first (retrying until the primary answers) and creates
// standby.signal; then hands over to the image's entrypoint with config_file=<conf_path>.
// `basebackup_args` empty: not a replica.
std::string PostgresStartScript(const std::string& service_name, const std::string& passfile,
                                const std::string& conf_path,
                                const std::vector<std::string>& basebackup_args);

// A SQL job: psql -h $1 -p $2 -d $3 -f $4, ON_ERROR_STOP, with the passfile written from
// $SWARMOP_PASSWORD_FILE (a path).
std::string PsqlJobScript(const std::string& passfile);

}  // namespace swarmop::reconciler::replication
