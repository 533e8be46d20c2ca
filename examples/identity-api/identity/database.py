"""Database settings from the environment swarmop's django-api profile renders.

The profile sets, at each site (reconciler/src/replication/django_profile.cpp):
  SITE_ID             the site this task runs at
  DATABASE_URL        the PostgreSQL primary (the cloud): where writes go when the site has no local writer
  DATABASE_READ_URL   the site's streaming read replica (else the primary)
  DATABASE_LOCAL_URL  the site's local writer, when the site publishes its writes logically to the cloud
  DATABASE_PASSWORD_FILE  the Swarm secret holding the password (a path, never the value)

A site with a local writer writes there, so writes keep working while the site is cut off from the cloud;
logical replication carries them to the cloud once the link is back. Reads go to the local read replica.
"""
import os
from urllib.parse import unquote, urlparse


def _password():
    path = os.environ.get("DATABASE_PASSWORD_FILE")
    if not path:
        return ""
    with open(path, encoding="utf-8") as f:
        return f.read().rstrip("\n")


def database_from_url(url, password):
    parsed = urlparse(url)
    if parsed.scheme not in ("postgres", "postgresql"):
        raise ValueError(f"unsupported database URL scheme {parsed.scheme!r} (want postgres://)")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parsed.path.lstrip("/")),
        "USER": unquote(parsed.username or "postgres"),
        "PASSWORD": unquote(parsed.password) if parsed.password else password,
        "HOST": parsed.hostname or "",
        "PORT": str(parsed.port or 5432),
        "CONN_MAX_AGE": 60,
        "OPTIONS": {"connect_timeout": 3},
    }


def databases_from_env(env=os.environ):
    """{'default': the writer, 'replica': the reader}."""
    write_url = env.get("DATABASE_LOCAL_URL") or env.get("DATABASE_URL")
    if not write_url:
        raise RuntimeError("DATABASE_URL is not set: the django-api profile sets it from database.replication")
    read_url = env.get("DATABASE_READ_URL") or write_url
    password = _password()
    replica = database_from_url(read_url, password)
    # Tests run against the writer when reader and writer are one server.
    replica["TEST"] = {"MIRROR": "default"}
    return {"default": database_from_url(write_url, password), "replica": replica}


class ReadReplicaRouter:
    """Reads from the site's read replica, writes to the site's writer; migrations only on the writer."""

    def db_for_read(self, model, **hints):
        return "replica"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
