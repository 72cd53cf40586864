"""Search that heals itself and never leaks: an empty or missing Elasticsearch
index is noticed, answered around and rebuilt; a hanging cluster costs one
reader a moment; a category that turns members-only leaves every search at
once; concurrent writers of the database index do not collide."""

import socket
import threading
import time

import pytest
from django.urls import reverse
from django.utils import translation

from forum.discussions import services
from outbox.models import Job
from search import health
from search.backend import get_backend
from search.backends.base import KINDS, SearchDocument
from search.backends.database import DatabaseBackend
from search.documents import documents
from search.models import SearchEntry
from search.query import parse
from search.tasks import heal_index

NOTICE = "backup search"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def on_elasticsearch(es_settings, demo):
    """Production's setup on a fresh cluster, filled from the database index."""
    es_settings.SEARCH_BACKEND = "elasticsearch"
    backend = get_backend()
    backend.rebuild(document for kind in KINDS for document in documents(kind))
    health.remembered.forget()
    return backend


@pytest.fixture
def topic(make_topic, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return make_topic(title="Quokka briefing for the regions")


def wipe(backend):
    """The cluster restarts with nothing: every index gone."""
    backend.client.indices.delete(index=f"{backend.prefix}-*")
    health.remembered.forget()


def search_page(client, q):
    response = client.get(reverse("search"), {"q": q})
    assert response.status_code == 200
    return response.content.decode()


def test_a_whole_index_is_ok(on_elasticsearch, topic):
    state = health.assess()
    assert state["status"] == "ok"
    assert state["missing"] == state["short"] == []
    held, wanted = state["documents"]["topic"]
    assert held == wanted > 0


def test_an_empty_cluster_is_degraded_searched_around_and_rebuilt(
    client, on_elasticsearch, topic
):
    wipe(on_elasticsearch)
    state = health.assess()
    assert state["status"] == "degraded"
    assert set(state["missing"]) == set(KINDS)
    # Readers get the database's results, and are told.
    body = search_page(client, "quokka")
    assert topic.title in body and NOTICE in body

    assert heal_index() == "rebuilt"
    assert health.assess()["status"] == "ok"
    body = search_page(client, "quokka")
    assert topic.title in body and NOTICE not in body
    assert heal_index() == "ok"  # nothing left to do


def test_a_write_after_an_empty_restart_makes_its_index_again(
    on_elasticsearch, topic, make_topic, django_capture_on_commit_callbacks
):
    """A worker that knew the aliases finds them gone: it recreates the index
    (require_alias refused the write) instead of failing for ever."""
    backend = get_backend()  # the same process-wide backend the workers use
    assert backend.alias("topic") in backend._aliases_known  # from `topic`
    wipe(backend)
    with django_capture_on_commit_callbacks(execute=True):
        later = make_topic(title="Wombat census of the press services")
    hits = backend.search(parse("wombat"), visibilities=("public",)).hits
    assert [hit.pk for hit in hits] == [later.pk]
    # One document where the database has many: short, so rebuilt.
    state = health.assess()
    assert "topic" in state["short"]
    assert health.needs_rebuild(state)
    assert heal_index() == "rebuilt"
    assert health.assess()["short"] == []


def test_a_rebuild_that_leaves_the_index_short_is_not_repeated_every_minute(
    on_elasticsearch, topic, monkeypatch
):
    """When the database index itself holds entries no row backs, the rebuilt
    index stays "short"; the repair task fixes the database index hourly."""
    SearchEntry.objects.bulk_create(
        [
            SearchEntry(
                kind="news", object_id=10_000 + n, title="ghost", url="/",
                language="en", visibility="public", created_at=topic.created_at,
            )
            for n in range(40)
        ]
    )  # fmt: skip
    health.remembered.forget()
    assert "news" in health.assess()["short"]
    assert heal_index() == "rebuilt"
    assert heal_index() == "resting after a rebuild that did not help"


def test_a_short_index_is_one_far_below_the_databases_count():
    assert health.is_short(0, 3)
    assert not health.is_short(0, 0)
    assert not health.is_short(97, 100)  # a few jobs still running
    assert health.is_short(50, 100)
    assert not health.is_short(190_000, 195_000)


@pytest.fixture
def hanging_server():
    """A port that accepts connections and never answers, like a cluster in a
    long garbage collection; `accepted` counts the connections it was asked."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    accepted = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}", accepted
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    listener.close()


def test_a_hanging_cluster_costs_one_search_its_timeout_and_no_more(
    client, settings, hanging_server, topic
):
    url, accepted = hanging_server
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = url
    settings.ELASTICSEARCH_SEARCH_TIMEOUT = 0.5
    from search import backend as chooser

    chooser.reset()
    try:
        started = time.monotonic()
        body = search_page(client, "quokka")
        first = time.monotonic() - started
        assert topic.title in body and NOTICE in body
        asked = len(accepted)
        assert asked >= 1
        for _ in range(3):
            body = search_page(client, "quokka")
            assert topic.title in body and NOTICE in body
        # The breaker kept the later searches away from the cluster.
        time.sleep(0.3)  # let the listener take any connection made
        assert len(accepted) == asked
    finally:
        chooser.reset()
    assert first >= 0.5  # it did wait for the cluster once


def test_a_category_turned_members_only_leaves_search_at_once(
    client, search_backend, make_topic, category, member2,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        topic = make_topic(in_category=category, title="Numbat protocol for briefings")
        services.post_create(actor=member2, topic=topic, raw="Numbat reply notes.")
    health.remembered.forget()
    assert topic.title in search_page(client, "numbat")
    # Staff turn the category members-only; its documents still say public
    # until the re-indexing jobs run.
    category.visibility = category.Visibility.MEMBERS
    with django_capture_on_commit_callbacks(execute=False) as jobs:
        category.save()
    assert [job for job in jobs if publishes(job)], "a re-indexing job is written"
    body = search_page(client, "numbat")
    assert "Numbat" not in body
    suggestions = client.get(reverse("search_suggest"), {"q": "Numbat"})
    assert "Numbat" not in suggestions.content.decode()
    # Then the jobs run and the documents themselves say members-only.
    with django_capture_on_commit_callbacks(execute=True):
        for callback in jobs:
            callback()
    visibilities = set(
        SearchEntry.objects.filter(category=category.slug).values_list(
            "visibility", flat=True
        )
    )
    assert visibilities == {"members"}
    client.force_login(member2)
    assert topic.title in search_page(client, "numbat")


def test_a_category_made_members_only_under_a_new_slug_leaves_search_at_once(
    client, db, make_topic, category, django_capture_on_commit_callbacks
):
    """Its documents still carry the old slug and "public" until re-indexed."""
    with django_capture_on_commit_callbacks(execute=True):
        make_topic(in_category=category, title="Dugong roster for the summit")
    assert "Dugong" in search_page(client, "dugong")
    category.visibility = category.Visibility.MEMBERS
    category.slug = "renamed-and-closed"
    with django_capture_on_commit_callbacks(execute=False):
        category.save()
    assert "Dugong" not in search_page(client, "dugong")


def test_a_subcategory_follows_its_parent_out_of_search(
    client, db, make_topic, make_category, django_capture_on_commit_callbacks
):
    parent = make_category()
    child = make_category(parent=parent)
    with django_capture_on_commit_callbacks(execute=True):
        make_topic(in_category=child, title="Bilby rota for weekend duty")
    assert "Bilby" in search_page(client, "bilby")
    parent.visibility = parent.Visibility.MEMBERS
    with django_capture_on_commit_callbacks(execute=True):
        parent.save()
    assert "Bilby" not in search_page(client, "bilby")
    assert set(
        SearchEntry.objects.filter(category=child.slug).values_list(
            "visibility", flat=True
        )
    ) == {"members"}


def test_an_unchanged_category_save_writes_no_job(
    db, category, django_capture_on_commit_callbacks
):
    """A new colour changes nothing search keeps: no outbox job, nothing to
    publish at commit (the list rows' fragments start a new stamp there)."""
    jobs_before = Job.objects.count()
    category.colour = "#123456"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        category.save()
    assert Job.objects.count() == jobs_before
    assert not [job for job in callbacks if publishes(job)]


def publishes(callback) -> bool:
    """An outbox job's publishing (a partial of outbox.tasks.publish…)."""
    return getattr(callback, "func", callback).__module__.startswith("outbox")


def test_two_workers_writing_the_same_entry_at_once_both_succeed(
    transactional_db,
):
    """The database backend writes with an upsert: no duplicate-key error."""
    backend = DatabaseBackend()
    start = threading.Barrier(4)
    errors = []

    def write(n):
        from django.db import connection

        try:
            start.wait()
            for _ in range(10):
                backend.index([_document(f"Version {n}")])
        except Exception as error:  # noqa: BLE001 - collected for the assert
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert SearchEntry.objects.filter(kind="topic", object_id=424242).count() == 1


def _document(title):
    from django.utils import timezone

    return SearchDocument(
        kind="topic",
        pk=424242,
        title=title,
        body="upsert check",
        url="/forum/t/x/424242/",
        language="en",
        visibility="public",
        created_at=timezone.now(),
    )


def test_a_page_made_private_leaves_search_with_its_comments(
    demo, django_capture_on_commit_callbacks
):
    """Wagtail's privacy setting publishes nothing; the index follows it."""
    from wagtail.models import PageViewRestriction

    from home.models import NewsPage

    news = NewsPage.objects.live().filter(locale__language_code="en").first()
    assert SearchEntry.objects.filter(kind="news", object_id=news.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        restriction = PageViewRestriction.objects.create(
            page=news, restriction_type=PageViewRestriction.PASSWORD, password="x"
        )
    assert not SearchEntry.objects.filter(kind="news", object_id=news.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        restriction.delete()
    assert SearchEntry.objects.filter(kind="news", object_id=news.pk).exists()
