"""/healthz: 503 only when the site cannot work, "degraded" for what it survives."""

from datetime import timedelta

import pytest
from django.db import OperationalError, connection
from django.utils import timezone

from config.settings.base import redis_cache
from outbox import services as outbox
from outbox.models import Job

CLOSED_PORT = 1  # nothing listens there: connections are refused at once


@pytest.fixture
def healthz(client, db):
    Job.objects.all().delete()  # the demo content's jobs ran when it was built

    def get():
        response = client.get("/healthz")
        return response.status_code, response.json()

    return get


@pytest.fixture
def production_like(settings, redis_url):
    """The cache and the broker on Redis, as in production."""
    settings.CACHES = {"default": redis_cache(redis_url)}
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = redis_url
    return settings


def test_ok_when_every_service_answers(healthz, production_like):
    status, body = healthz()
    assert status == 200
    assert body["status"] == "ok"
    services = body["services"]
    assert services["database"] == {**services["database"], "status": "ok"}
    assert services["database"]["vendor"] == "postgresql"
    assert services["cache"]["status"] == "ok"
    assert services["broker"]["status"] == "ok"
    assert services["search"]["status"] == "ok"
    assert services["search"]["backend"] == "database"
    assert services["outbox"]["status"] == "ok"
    assert services["outbox"]["pending"] == 0


def test_a_cache_outage_is_degraded_not_down(healthz, production_like):
    production_like.CACHES = {
        "default": redis_cache(f"redis://127.0.0.1:{CLOSED_PORT}/0")
    }
    status, body = healthz()
    assert status == 200
    assert body["status"] == "degraded"
    assert body["services"]["cache"]["status"] == "down"
    assert body["services"]["cache"]["error"] == "ConnectionError"


def test_a_broker_outage_is_degraded_not_down(healthz, production_like):
    production_like.CELERY_BROKER_URL = f"redis://127.0.0.1:{CLOSED_PORT}/0"
    status, body = healthz()
    assert status == 200
    assert body["status"] == "degraded"
    assert body["services"]["broker"]["status"] == "down"


def test_an_elasticsearch_outage_is_degraded_and_searches_the_database(
    healthz, settings
):
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{CLOSED_PORT}"
    status, body = healthz()
    assert status == 200
    assert body["status"] == "degraded"
    assert body["services"]["search"]["status"] == "degraded"
    assert body["services"]["search"]["answering"] == "database"


def test_503_when_the_database_is_down(healthz, monkeypatch):
    def refuse():
        raise OperationalError("connection refused")

    with monkeypatch.context() as patch:
        patch.setattr(connection, "cursor", refuse)
        status, body = healthz()
    assert status == 503
    assert body["status"] == "down"
    assert body["services"]["database"]["status"] == "down"


def test_services_the_embedded_default_does_not_use_are_disabled(healthz):
    """`make run` (and these tests) cache in memory and run tasks in-process."""
    status, body = healthz()
    assert status == 200
    assert body["services"]["cache"]["status"] == "disabled"
    assert body["services"]["broker"]["status"] == "disabled"


def test_an_outbox_job_waiting_too_long_is_degraded(healthz):
    job = outbox.enqueue("search.index_document", "topic", 1)
    Job.objects.filter(pk=job.pk).update(
        due_at=timezone.now() - timedelta(minutes=10), dispatched_at=None
    )
    status, body = healthz()
    assert status == 200 and body["status"] == "degraded"
    assert body["services"]["outbox"]["status"] == "degraded"
    assert body["services"]["outbox"]["due"] == 1
    assert body["services"]["outbox"]["oldest_due_seconds"] >= 600


def test_an_outbox_job_failing_again_and_again_is_degraded(healthz):
    job = outbox.enqueue("search.index_document", "topic", 1, delay=60)
    Job.objects.filter(pk=job.pk).update(attempts=5, last_error="ConnectionError")
    status, body = healthz()
    assert body["status"] == "degraded"
    assert body["services"]["outbox"]["failing_repeatedly"] == 1


def test_healthz_answers_head_has_no_language_prefix_and_is_never_cached(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]
    assert client.head("/healthz").status_code == 200
