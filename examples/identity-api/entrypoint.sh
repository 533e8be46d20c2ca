#!/bin/sh
# The identity API's container entrypoint: migrate this site's writer (once per site, see
# accounts/management/commands/migrate_when_ready.py), then serve with gunicorn.
set -eu
cd /app
python3 manage.py migrate_when_ready
# One worker process with threads: the Prometheus registry then sees every request of the task.
exec gunicorn identity.wsgi --bind "0.0.0.0:${PORT:-8000}" --workers 1 --threads "${GUNICORN_THREADS:-8}" \
  --access-logfile - --error-logfile - --timeout 30 --graceful-timeout 10
