"""Fixtures shared by the whole suite, and the checks for the services it needs.

`make test` runs against the real PostgreSQL and Redis on 127.0.0.1. When one of
them is missing, the tests that need it are skipped with the reason on a
developer's machine, and fail when CI=true: CI must never go green by skipping.
"""

import io
import os
import uuid

import psycopg
import pytest
import redis
from django.conf import settings
from django.core.management import call_command

IN_CI = os.environ.get("CI", "").lower() == "true"

pytest_plugins = ["tests.forum_fixtures"]


def service_missing(name: str, where: str, error: Exception):
    message = (
        f"{name} is not reachable at {where} ({error.__class__.__name__}: {error})"
    )
    if IN_CI:
        pytest.fail(
            f"{message}; CI=true makes a missing service an error", pytrace=False
        )
    pytest.skip(message)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Check PostgreSQL before pytest-django tries to create the test database."""
    db = settings.DATABASES["default"]
    where = f"{db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}"
    try:
        psycopg.connect(
            host=db.get("HOST"),
            port=db.get("PORT") or 5432,
            user=db.get("USER"),
            password=db.get("PASSWORD"),
            dbname="postgres",
            connect_timeout=3,
        ).close()
    except psycopg.OperationalError as error:
        service_missing("PostgreSQL", where, error)


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The Redis URL the tests use, once Redis has answered a PING."""
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=3)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as error:
        service_missing("Redis", settings.REDIS_URL, error)
    finally:
        client.close()
    return settings.REDIS_URL


@pytest.fixture
def cache_on_redis(settings, redis_url):
    """The cache on Redis as in production, under a key prefix of this test's."""
    from django.core.cache import cache

    from config.settings.base import redis_cache

    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {"default": redis_cache(redis_url) | {"KEY_PREFIX": prefix}}
    yield
    client = cache._cache.get_client(write=True)
    if keys := list(client.scan_iter(f"{prefix}:*")):
        client.delete(*keys)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Build the demo site once per test database; each test rolls back its changes."""
    with django_db_blocker.unblock():
        call_command("load_demo", stdout=io.StringIO())


@pytest.fixture
def demo(db):
    """The demo site, as `manage.py load_demo` builds it, in kk, ru and en.

    Transactional tests flush the database, so rebuild it if one ran before.
    """
    from home.models import HomePage

    if not HomePage.objects.exists():
        _restore_wagtail_roots()
        call_command("load_demo", stdout=io.StringIO())


def demo_seminar(language: str):
    """The demo's Astana seminar (past, with materials) in `language`; the
    demo's other seminar is the upcoming one."""
    from home.models import SeminarPage

    return SeminarPage.objects.get(
        slug="strategic-digital-communications-astana", locale__language_code=language
    )


def _restore_wagtail_roots():
    """Put back the root page and collection that Wagtail's migrations create.

    A transactional test's flush removes them too, and load_demo builds on both.
    """
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Collection, Locale, Page

    # The flush recreated the content types under new ids.
    ContentType.objects.clear_cache()
    if Page.get_first_root_node() is None:
        locale, _ = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
        Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: rolled-back data must not linger there."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_dependency_state():
    """No test inherits another's remembered outage: the Elasticsearch circuit
    breakers, the search index assessment, the broker breaker."""
    from outbox import tasks as outbox_tasks
    from search import health
    from search.backends.elasticsearch import reset_breakers

    def forget():
        reset_breakers()
        health.remembered.forget()
        outbox_tasks.broker.reset()

    forget()
    yield
    forget()
