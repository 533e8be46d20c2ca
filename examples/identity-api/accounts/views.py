"""HTTP API: /healthz, /metrics, /accounts (POST writes at this site, GET reads the site's read replica)."""
import json
import logging

from django.conf import settings
from django.db import DatabaseError, connections
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from accounts import metrics as app_metrics
from accounts.models import Account

log = logging.getLogger("accounts")
MAX_LIST = 1000


def _error(status, message):
    return JsonResponse({"error": message}, status=status)


def _ping(alias):
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1")


def healthz(request):
    """Healthy when this site's writer answers: the site keeps taking writes while cut off from the cloud,
    so the cloud's reachability is not part of this task's health."""
    try:
        _ping("default")
    except DatabaseError as e:
        app_metrics.DATABASE_ERRORS.labels("default").inc()
        return JsonResponse({"status": "unhealthy", "site": settings.SITE_ID, "error": str(e).strip()},
                            status=503)
    return JsonResponse({"status": "ok", "site": settings.SITE_ID})


def metrics(request):
    return HttpResponse(generate_latest(), content_type=CONTENT_TYPE_LATEST)


def _parse_account(body):
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        return None, "body is not JSON"
    if not isinstance(data, dict):
        return None, "body must be a JSON object"
    username = data.get("username")
    if not isinstance(username, str) or not username or len(username) > 150:
        return None, "username: a non-empty string of at most 150 characters is required"
    email = data.get("email", "")
    if not isinstance(email, str) or len(email) > 254:
        return None, "email: a string of at most 254 characters"
    return {"username": username, "email": email}, None


def _list(request):
    query = Account.objects.all()  # the router sends reads to the replica
    site = request.GET.get("site")
    if site:
        query = query.filter(site=site)
    try:
        limit = min(int(request.GET.get("limit", MAX_LIST)), MAX_LIST)
    except ValueError:
        return _error(400, "limit: an integer")
    try:
        rows = [a.as_json() for a in query[:limit]]
    except DatabaseError as e:
        app_metrics.DATABASE_ERRORS.labels("replica").inc()
        return _error(503, f"read replica unavailable: {str(e).strip()}")
    return JsonResponse({"site": settings.SITE_ID, "count": len(rows), "accounts": rows})


def _create(request):
    fields, problem = _parse_account(request.body)
    if problem:
        return _error(400, problem)
    try:
        account = Account.objects.create(**fields)
    except DatabaseError as e:
        app_metrics.DATABASE_ERRORS.labels("default").inc()
        return _error(503, f"writer unavailable: {str(e).strip()}")
    app_metrics.count_account_created()
    log.info("account %s written at %s", account.id, account.site)
    return JsonResponse(account.as_json(), status=201)


@csrf_exempt
def accounts(request):
    if request.method == "GET":
        return _list(request)
    if request.method == "POST":
        return _create(request)
    return _error(405, "use GET or POST")


def account(request, account_id):
    if request.method != "GET":
        return _error(405, "use GET")
    try:
        found = Account.objects.filter(id=account_id).first()
    except DatabaseError as e:
        app_metrics.DATABASE_ERRORS.labels("replica").inc()
        return _error(503, f"read replica unavailable: {str(e).strip()}")
    if found is None:
        return _error(404, "no such account")
    return JsonResponse(found.as_json())
