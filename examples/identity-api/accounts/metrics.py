"""Prometheus metrics of the API (python3-prometheus-client), served at /metrics.

gunicorn runs one worker process with threads, so the default registry sees every request.
"""
import time

from django.conf import settings
from prometheus_client import Counter, Histogram

REQUESTS = Counter("identity_http_requests_total", "HTTP requests by method, route and status.",
                   ["method", "route", "status"])
LATENCY = Histogram("identity_http_request_seconds", "HTTP request latency by route.", ["route"])
ACCOUNTS_CREATED = Counter("identity_accounts_created_total", "Accounts written by this site's API.",
                           ["site"])
DATABASE_ERRORS = Counter("identity_database_errors_total", "Database errors by database alias.",
                          ["database"])


def _route(request):
    match = getattr(request, "resolver_match", None)
    return match.route if match else "unmatched"


class RequestMetricsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        start = time.monotonic()
        response = self.get_response(request)
        route = _route(request)
        REQUESTS.labels(request.method, route, str(response.status_code)).inc()
        LATENCY.labels(route).observe(time.monotonic() - start)
        return response


def count_account_created():
    ACCOUNTS_CREATED.labels(settings.SITE_ID).inc()
