"""The states of topics and posts mean one thing, in SQL and in Python alike.

forum/discussions/models.py defines counted, listed, searchable and readable_by
once as querysets, and once more as the `is_*` properties and forum.permissions
for a row in hand. Here every combination of states is built, and the two
answers must agree for every row; for readers, the querysets must agree with
what forum.permissions lets a non-moderator open.
"""

import itertools

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from forum import permissions
from forum.models import Category, Post, Topic

STATES = list(itertools.product([False, True], repeat=3))


@pytest.fixture
def every_state(make_category, member):
    """In a public and a members-only category, a topic for every mix of
    deleted/held/unlisted, each with a first post and a reply for every mix
    of deleted/held/hidden. All written by alma (`member`)."""
    now = timezone.now()
    categories = (make_category(), make_category("members"))
    for category in categories:
        for deleted, held, unlisted in STATES:
            topic = Topic.objects.create(
                category=category,
                title="States",
                slug="states",
                author=member,
                deleted_at=now if deleted else None,
                awaiting_approval=held,
                is_visible=not unlisted,
            )
            posts = [(1, False, held, False)]
            posts += [(n, *state) for n, state in enumerate(STATES, start=2)]
            Post.objects.bulk_create(
                Post(
                    topic=topic,
                    number=number,
                    author=member,
                    raw="text",
                    cooked="<p>text</p>",
                    deleted_at=now if post_deleted else None,
                    awaiting_approval=post_held,
                    hidden_at=now if hidden else None,
                )
                for number, post_deleted, post_held, hidden in posts
            )
    topics = list(
        Topic.objects.filter(category__in=categories).select_related(
            "category", "category__parent"
        )
    )
    posts = list(
        Post.objects.filter(topic__category__in=categories).select_related(
            "topic__category", "topic__category__parent"
        )
    )
    assert len(topics) == 16 and len(posts) == 16 * 9
    return topics, posts


def ids(queryset, rows) -> set[int]:
    """The rows' ids the queryset holds (the database has seeded rows too)."""
    return set(
        queryset.filter(pk__in=[row.pk for row in rows]).values_list("pk", flat=True)
    )


@pytest.mark.parametrize("state", ["counted", "listed", "searchable"])
def test_a_queryset_and_its_property_agree_on_every_row(every_state, state):
    topics, posts = every_state
    for model, rows in ((Topic, topics), (Post, posts)):
        in_sql = ids(getattr(model.objects, state)(), rows)
        in_python = {row.pk for row in rows if getattr(row, f"is_{state}")}
        assert in_sql == in_python, model.__name__
        # Neither side is trivially everything or nothing.
        assert 0 < len(in_sql) < len(rows)


def test_a_topic_s_own_counts_keep_its_first_post(every_state):
    _topics, posts = every_state
    counted = ids(Post.objects.counted_in_topic(), posts)
    for post in posts:
        expected = post.number == 1 or (
            post.deleted_at is None and not post.awaiting_approval
        )
        assert (post.pk in counted) == expected


@pytest.fixture
def readers(member, member2):
    return {"visitor": AnonymousUser(), "author": member, "another member": member2}


@pytest.mark.parametrize("reader", ["visitor", "author", "another member"])
def test_readable_by_is_what_the_permissions_let_a_reader_open(
    every_state, readers, reader
):
    user = readers[reader]
    topics, posts = every_state
    assert ids(Topic.objects.readable_by(user), topics) == {
        topic.pk for topic in topics if permissions.can_see_topic(user, topic)
    }
    assert ids(Post.objects.readable_by(user), posts) == {
        post.pk
        for post in posts
        if permissions.can_see_topic(user, post.topic)
        and not post.is_deleted
        and permissions.can_read_post(user, post)
    }


def test_a_visitor_reads_a_public_subcategory_only_under_a_public_parent(
    make_category, member
):
    public, members = make_category(), make_category("members")
    under_public = make_category(parent=public)
    under_members = make_category(parent=members)
    hidden_by_itself = make_category("members", parent=public)
    everything = {public, members, under_public, under_members, hidden_by_itself}
    for user in (AnonymousUser(), member):
        readable = set(Category.objects.readable_by(user)) & everything
        assert readable == {
            c for c in everything if permissions.can_see_category(user, c)
        }
    visitor = AnonymousUser()
    assert set(Category.objects.readable_by(visitor)) & everything == {
        public,
        under_public,
    }
