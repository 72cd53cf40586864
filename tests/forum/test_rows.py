"""Topic lists' rows from the cache (forum/discussions/rows.py): rendered once
per version of the topic, the reader's unread state applied per request, and
fresh after every change a row shows."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forum.discussions import rows, selectors, services
from forum.members.display import display_name


def latest(user):
    topics = selectors.topic_list(user=user).page.object_list
    return str(rows.render_rows(topics))


def row_of(topic, user) -> str:
    [row] = [row for row in latest(user).split("<tr") if f"/{topic.pk}/" in row]
    return row


@pytest.fixture
def forum(make_topic, member, member2):
    topics = [make_topic(author=member, tags=["media"]) for _ in range(3)]
    services.post_create(actor=member2, topic=topics[0], raw="A reply by Bolat.")
    return topics


def test_a_warm_list_renders_its_rows_without_a_query(forum, member2):
    topics = selectors.topic_list(user=member2).page.object_list
    with CaptureQueriesContext(connection) as cold:
        rows.render_rows(topics)
    with CaptureQueriesContext(connection) as warm:
        html = rows.render_rows(topics)

    assert len(cold) == 3  # categories, tags, people
    assert len(warm) == 0
    assert html.count('class="topic-row') == len(topics) >= 3
    assert "#media" in html


def test_each_reader_gets_their_own_unread_state_from_one_cached_row(
    client, forum, member, member2
):
    topic = forum[0]
    client.force_login(member2)
    client.get(topic.get_absolute_url())  # member2 has read it all
    services.post_create(actor=member, topic=topic, raw="Something new to read.")

    theirs = latest(member2)
    unread_link = topic.get_post_url(3)
    assert "has-unread" in theirs and unread_link in theirs and "1 unread" in theirs

    assert "has-unread" not in latest(member)  # never opened: nothing to resume
    assert unread_link not in latest(AnonymousUser())


def test_rows_show_every_change_at_once(forum, member, member2, category, make_topic):
    topic = forum[1]
    make_topic(author=member, tags=["tv"])  # the tag exists: adding it creates none
    latest(member)  # every row cached

    services.post_create(actor=member2, topic=topic, raw="Bolat joins in.")
    assert "bolat" in row_of(topic, member)  # the last poster
    services.topic_edit(actor=member, topic=topic, title="Renamed for the press")
    assert "Renamed for the press" in row_of(topic, member)
    # What a row shows of other rows: its tags, its category, its people.
    services.topic_edit(actor=member, topic=topic, tags=["tv"])
    assert "#tv" in row_of(topic, member)
    category.name_en = "Crisis communication"
    category.save()
    assert "Crisis communication" in row_of(topic, member)
    member2.profile.display_name = "Bolat Serikuly"
    member2.profile.save()
    assert 'title="Bolat Serikuly, ' in row_of(topic, member)


def test_a_members_latest_page_reads_in_two_queries(
    client, settings, django_assert_max_num_queries, forum, member2
):
    """The session's user, the topics with the read markers; the permission
    facts, the unread and new counts and the category cards come from the
    cache, the rows' categories, tags and people with the rows."""
    settings.SESSION_ENGINE = "config.sessions"
    client.force_login(member2)
    client.get(reverse("forum:latest"))
    with django_assert_max_num_queries(2):
        response = client.get(reverse("forum:latest"))
    shown = len(selectors.topic_list(user=member2).page.object_list)
    assert response.content.decode().count('class="topic-row') == shown >= 3


def test_a_members_unread_count_is_cached_until_someone_writes_or_they_read(
    client, forum, member, member2
):
    topic = forum[2]
    other = Client()
    other.force_login(member2)
    client.force_login(member)
    client.get(topic.get_absolute_url())  # read to the end
    before = unread_count(client)  # forum[0]'s reply by Bolat
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("forum:latest"))
    assert not any("COUNT(" in query["sql"] for query in queries)

    other.post(reverse("forum:reply", args=[topic.pk]), {"raw": "News from Bolat."})
    assert unread_count(client) == before + 1  # someone wrote: counted again
    client.get(topic.get_absolute_url())
    assert unread_count(client) == before  # read: counted again


def unread_count(client) -> int:
    nav = client.get(reverse("forum:latest")).content.decode()
    found = re.search(
        r'href="[^"]*/unread/"[^>]*>[^<]*(?:<span class="count">(\d+))?', nav
    )
    return int(found.group(1) or 0)


def test_a_row_carries_no_more_markup_than_it_shows(forum, member, member2, make_topic):
    """Thirty rows make a list page (issue #12: 25 KB for the page is the
    goal): a row with its unread link, two participants, a Cyrillic tag and
    every count stays under a kilobyte, and still names each participant
    and labels each count for screen readers."""
    topic = make_topic(author=member, tags=["фейк", "kpi"])
    services.post_create(actor=member2, topic=topic, raw="Ответ из Алматы.")
    row = row_of(topic, member)

    assert len(row.encode()) < 850, row
    assert "/tags/фейк/" in row  # letters, not %D1%84…
    names = re.findall(r'<span role="img" title="([^"]+)">', row)
    assert names == [f"{display_name(member2)}, {display_name(member)}"], row
    assert row.count("<i ") == 2  # one avatar each, the names said once
    assert row.count("<span>") == 3  # "Replies: ", "Views: ", "Likes: "
    assert re.search(r'datetime="\d{4}-\d\d-\d\dT\d\d:\d\dZ"', row), row


class TestCategoryCards:
    """rows.category_cards: kept per language, kind of reader and page cache
    generation."""

    def test_each_reader_sees_the_categories_they_may_read(
        self, category, members_category, member
    ):
        visitor = str(rows.category_cards(AnonymousUser()))
        assert category.name in visitor
        assert members_category.name not in visitor
        for _ in range(2):  # rendered, then from the cache
            assert members_category.name in str(rows.category_cards(member))
        assert members_category.name not in str(rows.category_cards(AnonymousUser()))

    def test_kept_until_the_next_write(self, category, member, client):
        import pagecache

        rows.category_cards(member)
        with CaptureQueriesContext(connection) as queries:
            again = str(rows.category_cards(member))
        assert len(queries) == 0
        assert "0 topics" in again
        services.topic_create(
            actor=member, category=category, title="A topic counted", raw="Text."
        )
        pagecache.changed()  # what the middleware does after the write request
        assert "1 topic" in str(rows.category_cards(member))

    def test_in_the_readers_language(self, category, member):
        from django.utils import translation

        with translation.override("kk"):
            kk = str(rows.category_cards(member))
        with translation.override("en"):
            en = str(rows.category_cards(member))
        assert category.name_kk in kk and category.name_en in en
