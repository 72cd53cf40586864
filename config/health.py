"""`/healthz`: is each service the site depends on answering?

Load balancers and docker-compose probe it. It answers 200 when every configured
service is up and 503 when one is down; a service this deployment does not use
(Redis and Elasticsearch under `make run`) is reported as "disabled".
"""

import logging
import time

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 2


def _check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"status": "ok", "vendor": connection.vendor}


def _check_redis() -> dict:
    if not settings.REDIS_URL:
        return {"status": "disabled"}
    client = redis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=TIMEOUT_SECONDS,
        socket_timeout=TIMEOUT_SECONDS,
    )
    try:
        client.ping()
    finally:
        client.close()
    return {"status": "ok"}


def _check_search() -> dict:
    if settings.SEARCH_BACKEND != "elasticsearch":
        return {"status": "ok", "backend": settings.SEARCH_BACKEND}
    from elasticsearch import Elasticsearch

    client = Elasticsearch(settings.ELASTICSEARCH_URL, request_timeout=TIMEOUT_SECONDS)
    try:
        client.cluster.health()
    finally:
        client.close()
    return {"status": "ok", "backend": "elasticsearch"}


CHECKS = {"database": _check_database, "redis": _check_redis, "search": _check_search}


@never_cache
@require_GET
def healthz(request):
    report = {}
    for name, check in CHECKS.items():
        started = time.monotonic()
        try:
            report[name] = check()
        except Exception as error:  # noqa: BLE001 - any failure means "down"
            logger.warning("health check %s failed: %s", name, error)
            report[name] = {"status": "down", "error": error.__class__.__name__}
        report[name]["ms"] = round((time.monotonic() - started) * 1000, 1)
    healthy = all(item["status"] != "down" for item in report.values())
    return JsonResponse(
        {"status": "ok" if healthy else "down", "services": report},
        status=200 if healthy else 503,
    )
