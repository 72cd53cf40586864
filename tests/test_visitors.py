"""A visitor's GET writes nothing: no session, no cookie, no row (issue #12).

Views are still counted, once per reader and topic an hour, in the cache; on
Redis, as in production, they wait there until beat's flush adds them up.
"""

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forum.discussions import tasks, viewcounts
from forum.models import Topic

WRITES = ("INSERT", "UPDATE", "DELETE")


def writes(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]


def visitor_pages(topic) -> list[str]:
    return [
        "/kk/",
        "/ru/",
        "/en/forum/",
        "/en/forum/top/",
        "/en/forum/categories/",
        f"/en/forum/c/{topic.category.slug}/",
        topic.get_absolute_url(),
        topic.get_post_url(1),
        f"/en/forum/u/{topic.author.username}/",
        "/en/search/?q=press",
    ]


@pytest.mark.usefixtures("cache_on_redis", "demo")
class TestAVisitorWritesNothing:
    def test_no_row_no_session_no_cookie_on_any_public_page(self, client, make_topic):
        topic = make_topic(replies=3)
        sessions = Session.objects.count()
        for url in visitor_pages(topic):
            # The first visitor of a page may make its image renditions, once.
            client.get(url)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200, url
            assert writes(queries) == [], url
            assert not response.cookies, (url, response.cookies)
            assert "Set-Cookie" not in response, url
        assert Session.objects.count() == sessions
        assert not client.cookies

    def test_head_answers_like_get_without_a_body(self, client, make_topic):
        topic = make_topic()
        for url in visitor_pages(topic):
            response = client.head(url)
            assert response.status_code == 200, url
            assert response.content == b"", url


@pytest.mark.usefixtures("cache_on_redis")
class TestViewsOnRedis:
    def test_a_visitor_counts_once_an_hour_then_beat_adds_the_views(
        self, client, make_topic, member2
    ):
        topic = make_topic()
        for _ in range(5):
            client.get(topic.get_absolute_url(), HTTP_USER_AGENT="Firefox")
        client.get(topic.get_absolute_url(), HTTP_USER_AGENT="Chromium")
        client.force_login(member2)
        client.get(topic.get_absolute_url())
        client.get(topic.get_absolute_url())

        assert viewcounts.pending() == {topic.pk: 3}
        assert Topic.objects.get(pk=topic.pk).view_count == 0

        assert tasks.flush_topic_views() == 3
        assert Topic.objects.get(pk=topic.pk).view_count == 3
        assert viewcounts.pending() == {}
        assert tasks.flush_topic_views() == 0

    def test_one_flush_adds_each_topics_own_views(self, make_topic):
        first, second, third = make_topic(), make_topic(), make_topic()
        for reader in ("u:1", "u:2", "a:x"):
            viewcounts.record(first.pk, reader)
        viewcounts.record(second.pk, "u:1")
        with CaptureQueriesContext(connection) as queries:
            assert viewcounts.flush() == 4
        assert len(writes(queries)) == 1
        counts = dict(Topic.objects.values_list("pk", "view_count"))
        assert (counts[first.pk], counts[second.pk], counts[third.pk]) == (3, 1, 0)

    def test_the_hour_is_per_topic_and_reader(self, make_topic):
        first, second = make_topic(), make_topic()
        assert viewcounts.record(first.pk, "a:one")
        assert not viewcounts.record(first.pk, "a:one")
        assert viewcounts.record(first.pk, "a:two")
        assert viewcounts.record(second.pk, "a:one")
        cache.delete(f"forum:viewed:{first.pk}:a:one")  # the hour is over
        assert viewcounts.record(first.pk, "a:one")
        assert viewcounts.pending() == {first.pk: 3, second.pk: 1}

    def test_a_failed_flush_keeps_the_views_for_the_next(self, make_topic, monkeypatch):
        topic = make_topic()
        viewcounts.record(topic.pk, "a:one")

        def fail(counts):
            raise RuntimeError("database gone")

        monkeypatch.setattr(viewcounts, "_add_views", fail)
        with pytest.raises(RuntimeError):
            viewcounts.flush()
        assert viewcounts.pending() == {topic.pk: 1}
        monkeypatch.undo()
        assert viewcounts.flush() == 1
        assert Topic.objects.get(pk=topic.pk).view_count == 1


def test_visitors_are_told_apart_by_address_and_browser(rf):
    from django.contrib.auth.models import AnonymousUser

    def visitor(address, agent):
        request = rf.get("/", REMOTE_ADDR=address, HTTP_USER_AGENT=agent)
        request.user = AnonymousUser()
        return viewcounts.viewer(request)

    assert visitor("10.0.0.1", "Firefox") == visitor("10.0.0.1", "Firefox")
    assert visitor("10.0.0.1", "Firefox") != visitor("10.0.0.2", "Firefox")
    assert visitor("10.0.0.1", "Firefox") != visitor("10.0.0.1", "Chromium")
    assert "10.0.0.1" not in visitor("10.0.0.1", "Firefox")


def test_without_redis_a_counted_view_is_written_at_once(client, make_topic):
    """The embedded `make run` (local-memory cache): no flush to wait for."""
    topic = make_topic()
    client.get(topic.get_absolute_url())
    client.get(topic.get_absolute_url())
    assert Topic.objects.get(pk=topic.pk).view_count == 1
    assert viewcounts.pending() == {}
