"""`/healthz`: what the site depends on, and how well it is doing without each.

Load balancers and docker-compose probe it. It answers 503 only when the site
cannot work (the database is down). Everything else the site survives, and
is reported as "degraded" with 200: the cache (pages run without it), the
broker (side effects wait in the outbox), Elasticsearch (search answers from
the database, and an empty or missing index is rebuilt by itself), and the
outbox (its backlog; how long the oldest due job has waited, the sign that no
worker is running or a dependency keeps failing; jobs given up). A service
the deployment does not use is "disabled".

Every check has a timeout of a second or less, so a hanging dependency
cannot make the probe itself time out.
"""

import logging
import time

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from kombu import Connection

from outbox import services as outbox
from search import health as search_health

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 1
# The oldest due outbox job may wait this long before health says degraded:
# the relay runs every few seconds and a job takes a moment.
OUTBOX_MAX_WAIT_SECONDS = 120

OK, DEGRADED, DOWN, DISABLED = "ok", "degraded", "down", "disabled"


def _check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"status": OK, "vendor": connection.vendor}


def _check_cache() -> dict:
    backend = settings.CACHES["default"]["BACKEND"]
    if "redis" not in backend.lower():
        return {"status": DISABLED, "backend": backend.rsplit(".", 1)[-1]}
    client = redis.Redis.from_url(
        settings.CACHES["default"]["LOCATION"],
        socket_connect_timeout=TIMEOUT_SECONDS,
        socket_timeout=TIMEOUT_SECONDS,
    )
    try:
        client.ping()
    finally:
        client.close()
    return {"status": OK}


def _check_broker() -> dict:
    url = settings.CELERY_BROKER_URL
    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False) or not url:
        return {"status": DISABLED, "reason": "tasks run in-process"}
    # Both timeouts: a broker that accepts the connection and never answers
    # must not hold the probe (and a web worker) for ever.
    with Connection(
        url,
        connect_timeout=TIMEOUT_SECONDS,
        transport_options={
            "socket_connect_timeout": TIMEOUT_SECONDS,
            "socket_timeout": TIMEOUT_SECONDS,
        },
    ) as broker:
        broker.ensure_connection(max_retries=0, timeout=TIMEOUT_SECONDS)
    return {"status": OK}


def _check_search() -> dict:
    # What the search page itself goes by, refreshed every SEARCH_STATE_SECONDS:
    # probes every few seconds must not each ask the cluster and count the
    # database index.
    state = search_health.remembered.get()
    if state["status"] == DOWN:
        # The site searches the database meanwhile: degraded, not down.
        return {**state, "status": DEGRADED, "answering": "database"}
    answering = "database" if search_health.needs_rebuild(state) else state["backend"]
    return {**state, "answering": answering}


def _check_outbox() -> dict:
    backlog = outbox.backlog()
    # Failing as often as a broken job may before it is given up: a dependency
    # has been down a while.
    failing = outbox.failing(attempts=settings.OUTBOX_MAX_ATTEMPTS)
    late = backlog["oldest_due_seconds"] > OUTBOX_MAX_WAIT_SECONDS
    return {
        **backlog,
        "failing_repeatedly": failing,
        "status": DEGRADED if late or failing or backlog["failed"] else OK,
    }


CHECKS = {
    "database": _check_database,
    "cache": _check_cache,
    "broker": _check_broker,
    "search": _check_search,
    "outbox": _check_outbox,
}
# Without these the site does not work at all.
ESSENTIAL = {"database"}


@never_cache
@require_safe
def healthz(request):
    report = {}
    for name, check in CHECKS.items():
        started = time.monotonic()
        try:
            report[name] = check()
        except Exception as error:  # noqa: BLE001 - any failure means "down"
            logger.warning("health check %s failed: %s", name, error)
            report[name] = {"status": DOWN, "error": error.__class__.__name__}
        report[name]["ms"] = round((time.monotonic() - started) * 1000, 1)
    statuses = {name: item["status"] for name, item in report.items()}
    if any(statuses[name] == DOWN for name in ESSENTIAL):
        overall = DOWN
    elif any(status in (DOWN, DEGRADED) for status in statuses.values()):
        overall = DEGRADED
    else:
        overall = OK
    return JsonResponse(
        {"status": overall, "services": report},
        status=503 if overall == DOWN else 200,
    )
