"""Keyset pages: lists after a cursor, topic pages by post number; no
COUNT(*) and no OFFSET on any of them (forum/core/keyset.py, PostsPage)."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from forum.discussions import selectors, services
from forum.models import Topic


@pytest.fixture
def topics(make_topic):
    """Twelve topics: bumped a minute apart, three sharing one bump time,
    one pinned, likes in ties."""
    made = [make_topic(title=f"Topic number {n}") for n in range(12)]
    now = timezone.now()
    for n, topic in enumerate(made):
        bumped = now - timedelta(minutes=min(n, 5))  # 5..11 share one time
        Topic.objects.filter(pk=topic.pk).update(bumped_at=bumped, like_count=n % 3)
    Topic.objects.filter(pk=made[7].pk).update(is_pinned=True)
    return made


def walk(user, view, per_page):
    """Every page of a list, following the cursors: topic ids in order."""
    seen, after, pages = [], None, 0
    while True:
        listing = selectors.topic_list(
            user=user, view=view, after=after, per_page=per_page
        )
        seen += [topic.pk for topic in listing.page.object_list]
        pages += 1
        if not listing.page.has_next():
            return seen, pages
        after = listing.page.next_cursor


@pytest.mark.parametrize("view", ["latest", "top"])
def test_following_the_cursors_lists_every_topic_once_in_order(
    view, topics, django_user_model
):
    from django.contrib.auth.models import AnonymousUser

    visitor = AnonymousUser()
    everything = list(
        Topic.objects.listed()
        .readable_by(visitor)
        .order_by(*selectors.LIST_ORDER[view])
        .values_list("pk", flat=True)
    )
    assert len(everything) >= 12  # the demo's topics, and these
    for per_page in (1, 5, 12, 30):
        seen, pages = walk(visitor, view, per_page)
        assert seen == everything
        assert pages == -(-len(everything) // per_page)
    if view == "latest":  # pinned first
        pinned = set(Topic.objects.filter(is_pinned=True).values_list("pk", flat=True))
        assert topics[7].pk in pinned
        assert set(everything[: len(pinned)]) == pinned


def test_a_cursor_that_does_not_parse_is_the_first_page(topics):
    from django.contrib.auth.models import AnonymousUser

    first = selectors.topic_list(user=AnonymousUser(), per_page=5)
    for cursor in ("", "x", "1.2", "1.2.3.4", "1.2.x", "1." + "9" * 30 + ".1"):
        again = selectors.topic_list(user=AnonymousUser(), after=cursor, per_page=5)
        assert again.page.object_list == first.page.object_list


def test_the_more_link_carries_the_cursor(client, topics, monkeypatch):
    monkeypatch.setattr(selectors, "TOPICS_PER_PAGE", 5)
    page = client.get("/en/forum/").content.decode()
    cursor = re.search(r'href="\?after=([0-9.]+)"', page).group(1)
    second = client.get(f"/en/forum/?after={cursor}").content.decode()
    titles = re.findall(r'class="topic-title"[^>]*>([^<]+)<', page + second)
    assert len(titles) == len(set(titles)) == 10


def test_no_list_or_topic_page_counts_or_skips_rows(client, topics, make_topic):
    long_topic = make_topic(replies=45)
    urls = [
        "/en/forum/",
        "/en/forum/top/",
        f"/en/forum/c/{long_topic.category.slug}/",
        long_topic.get_absolute_url(),
        long_topic.get_absolute_url() + "?page=3",
        long_topic.get_post_url(44),
    ]
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        sql = " ".join(q["sql"].upper() for q in queries)
        assert "COUNT(" not in sql, url
        assert "OFFSET" not in sql, url


class TestTopicPages:
    def test_pages_are_ranges_of_post_numbers(self, make_topic, member):
        topic = make_topic(replies=44)  # posts 1..45: pages 1-20, 21-40, 41-45
        page = selectors.topic_posts(user=member, topic=topic, page_number=3)
        assert [p.number for p in page.object_list] == [41, 42, 43, 44, 45]
        assert (page.number, page.has_next(), page.has_previous()) == (3, False, True)
        assert selectors.page_of_post(20) == 1
        assert selectors.page_of_post(21) == 2

    def test_a_deleted_post_leaves_a_gap_not_a_shift(self, make_topic, member):
        topic = make_topic(replies=24)
        services.post_delete(actor=member, post=topic.posts.get(number=5))
        first = selectors.topic_posts(user=member, topic=topic, page_number=1)
        second = selectors.topic_posts(user=member, topic=topic, page_number=2)
        assert 5 not in [p.number for p in first.object_list]
        assert [p.number for p in second.object_list][0] == 21

    @pytest.mark.parametrize("asked,shown", [("0", 1), ("x", 1), ("99", 2), (None, 1)])
    def test_a_page_that_is_not_one_shows_the_nearest(
        self, make_topic, member, asked, shown
    ):
        topic = make_topic(replies=24)
        page = selectors.topic_posts(user=member, topic=topic, page_number=asked)
        assert page.number == shown
