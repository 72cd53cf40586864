"""/healthz tells a load balancer whether each service answers."""

import pytest
from django.db import OperationalError, connection

CLOSED_PORT = 1  # nothing listens there: connections are refused at once


@pytest.fixture
def healthz(client, db):
    def get():
        response = client.get("/healthz")
        return response.status_code, response.json()

    return get


def test_healthz_is_ok_when_every_service_answers(healthz, redis_url):
    status, body = healthz()
    assert status == 200
    assert body["status"] == "ok"
    assert body["services"]["database"]["status"] == "ok"
    assert body["services"]["database"]["vendor"] == "postgresql"
    assert body["services"]["redis"]["status"] == "ok"
    assert body["services"]["search"]["status"] == "ok"
    assert body["services"]["search"]["backend"] == "database"


def test_healthz_is_503_when_redis_is_down(healthz, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{CLOSED_PORT}/0"
    status, body = healthz()
    assert status == 503
    assert body["status"] == "down"
    assert body["services"]["redis"]["status"] == "down"
    assert body["services"]["redis"]["error"] == "ConnectionError"


def test_healthz_is_503_when_elasticsearch_is_down(healthz, settings, redis_url):
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{CLOSED_PORT}"
    status, body = healthz()
    assert status == 503
    assert body["services"]["search"]["status"] == "down"


def test_healthz_is_503_when_the_database_is_down(healthz, monkeypatch, redis_url):
    def refuse():
        raise OperationalError("connection refused")

    with monkeypatch.context() as patch:
        patch.setattr(connection, "cursor", refuse)
        status, body = healthz()
    assert status == 503
    assert body["services"]["database"]["status"] == "down"
    assert body["services"]["redis"]["status"] == "ok"


def test_healthz_reports_an_unconfigured_redis_as_disabled(healthz, settings):
    """The embedded default (`make run`) runs without Redis, and is healthy."""
    settings.REDIS_URL = None
    status, body = healthz()
    assert status == 200
    assert body["services"]["redis"]["status"] == "disabled"


def test_healthz_has_no_language_prefix_and_is_never_cached(client, db, redis_url):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]
