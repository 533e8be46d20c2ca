#!/bin/sh
# The part of the official postgres image's entrypoint that swarmop's rendered scripts rely on:
#   - as root: make PGDATA and the socket folder the postgres user's, then run the rest as postgres (gosu);
#   - an empty PGDATA is initialised (initdb) with the superuser password from POSTGRES_PASSWORD_FILE
#     (a Swarm secret; the value never reaches an argument list or the environment), and POSTGRES_DB created;
#   - a PGDATA that already holds a cluster (a restart, or a read replica's base backup) is used as it is.
# Then runs "$@" (postgres -c config_file=...), turning Swarm's SIGTERM into SIGINT, PostgreSQL's fast
# shutdown, as the official image's STOPSIGNAL does (`docker import` cannot set a stop signal): a smart
# shutdown would wait for the API's pooled connections until Swarm's SIGKILL.
set -eu
[ "${1#-}" != "$1" ] && set -- postgres "$@"

if [ "$1" = postgres ] && [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA" /var/run/postgresql
  chown postgres:postgres "$PGDATA" /var/run/postgresql
  chmod 700 "$PGDATA"
  exec gosu postgres "$0" "$@"
fi

if [ "$1" = postgres ] && [ ! -s "$PGDATA/PG_VERSION" ]; then
  : "${POSTGRES_PASSWORD_FILE:?POSTGRES_PASSWORD_FILE must name the superuser password file (a Swarm secret)}"
  initdb --username=postgres --pwfile="$POSTGRES_PASSWORD_FILE" --auth-local=peer --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 -D "$PGDATA"
  if [ -n "${POSTGRES_DB:-}" ] && [ "$POSTGRES_DB" != postgres ]; then
    # A private server on the socket only, to create the database, as the official image does.
    pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -c unix_socket_directories=/var/run/postgresql" -w start
    psql -v ON_ERROR_STOP=1 -h /var/run/postgresql -U postgres -d postgres \
      -c "CREATE DATABASE \"$POSTGRES_DB\""
    pg_ctl -D "$PGDATA" -m fast -w stop
  fi
fi
[ "$1" = postgres ] || exec "$@"
"$@" &
pid=$!
trap 'kill -INT "$pid" 2>/dev/null' TERM INT
while :; do
  status=0
  wait "$pid" || status=$?
  kill -0 "$pid" 2>/dev/null || exit "$status"
done
