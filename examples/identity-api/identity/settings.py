"""Settings of the identity API (the estate's "User Management" service).

Configuration comes from the environment swarmop renders and from Swarm secrets under /run/secrets; no secret
value is ever read from an environment variable or a label.
"""
import os

from identity.database import databases_from_env

SITE_ID = os.environ.get("SITE_ID", "local")


def _secret(path_variable, default_path):
    path = os.environ.get(path_variable, default_path)
    try:
        with open(path, encoding="utf-8") as f:
            return f.read().strip()
    except FileNotFoundError:
        raise RuntimeError(f"{path_variable}: no secret at {path} (create it: docker secret create ...)")


SECRET_KEY = _secret("DJANGO_SECRET_KEY_FILE", "/run/secrets/identity-secret-key")
DEBUG = os.environ.get("DJANGO_DEBUG", "0") == "1"
ALLOWED_HOSTS = ["*"]

INSTALLED_APPS = ["accounts"]
MIDDLEWARE = ["accounts.metrics.RequestMetricsMiddleware"]
ROOT_URLCONF = "identity.urls"
WSGI_APPLICATION = "identity.wsgi.application"

DATABASES = databases_from_env()
DATABASE_ROUTERS = ["identity.database.ReadReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

USE_TZ = True
TIME_ZONE = "UTC"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s site=" + SITE_ID + " %(name)s: %(message)s"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["stdout"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
