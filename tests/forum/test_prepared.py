"""Querysets compiled once and run with new values (forum/core/prepared.py):
the objects the ORM gives, its SQL compiled once, and no placeholder lost."""

from unittest import mock

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import Q
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext

from forum.core import keyset
from forum.core.prepared import Prepared
from forum.discussions import selectors, services
from forum.models import Post, Topic


def fields(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


@pytest.fixture
def solved(make_topic, member, member2):
    topic = make_topic(author=member, replies=3)
    answer = topic.posts.get(number=3)
    services.solution_accept(actor=member, post=answer)
    return Topic.objects.get(pk=topic.pk)


def test_it_gives_the_objects_and_related_objects_the_orm_gives(solved):
    prepared = Prepared(
        lambda pk: Topic.objects.select_related(
            "category", "category__parent", "solution", "solution__author__profile"
        ).filter(pk=pk)
    )
    [expected] = Topic.objects.select_related(
        "category", "category__parent", "solution", "solution__author__profile"
    ).filter(pk=solved.pk)

    [topic] = prepared(solved.pk)
    with CaptureQueriesContext(connection) as related:
        assert fields(topic) == fields(expected)
        assert fields(topic.category) == fields(expected.category)
        assert topic.category.parent == expected.category.parent
        assert fields(topic.solution) == fields(expected.solution)
        assert topic.solution.author.username == expected.solution.author.username
    assert len(related) == 0  # all loaded with the one query
    assert topic._state.adding is False and topic._state.db == "default"
    assert prepared(solved.pk + 1000) == []


def test_the_sql_is_compiled_once_and_run_with_each_calls_values(make_topic):
    topics = [make_topic(replies=4) for _ in range(2)]
    prepared = Prepared(
        lambda topic_id, first, last: Post.objects.filter(
            topic_id=topic_id, number__gt=first, number__lte=last
        ).order_by("number"),
        arity=3,
    )
    compiled = []
    original = SQLCompiler.as_sql

    def counting(self, *args, **kwargs):
        compiled.append(self.query.model)
        return original(self, *args, **kwargs)

    with mock.patch.object(SQLCompiler, "as_sql", counting):
        first = prepared(topics[0].pk, 0, 2)
        second = prepared(topics[1].pk, 2, 5)
    assert len(compiled) == 1
    assert [(p.topic_id, p.number) for p in first] == [
        (topics[0].pk, 1),
        (topics[0].pk, 2),
    ]
    assert [p.number for p in second] == [3, 4, 5]
    assert all(p.topic_id == topics[1].pk for p in second)


def test_a_placeholder_that_does_not_reach_the_sql_is_refused():
    ignored = Prepared(lambda pk: Topic.objects.filter(is_pinned=True), arity=1)
    with pytest.raises(ValueError, match="placeholder"):
        ignored(1)
    with pytest.raises(ValueError, match="nothing"):
        Prepared(lambda pk: Topic.objects.filter(pk__in=[]))(1)
    with pytest.raises(TypeError):
        Prepared(lambda pk: Topic.objects.filter(pk=pk))(1, 2)


@pytest.mark.parametrize("reader", ["visitor", "member", "member2", "moderator"])
def test_the_topic_pages_posts_are_those_the_orm_query_gives(
    request, make_topic, member, member2, reader
):
    """Every kind of reader sees the posts the ORM's query gives them: deleted
    ones for moderators only, a held one for its author and the moderators."""
    topic = make_topic(author=member, replies=3)
    services.post_delete(actor=member, post=topic.posts.get(number=2))
    held = services.post_create(actor=member2, topic=topic, raw="Held for review.")
    Post.objects.filter(pk=held.pk).update(awaiting_approval=True)
    user = AnonymousUser() if reader == "visitor" else request.getfixturevalue(reader)
    topic = selectors.topic_for_reader(user, topic.pk)

    page = selectors.topic_posts(user=user, topic=topic).object_list

    expected = {
        "visitor": [1, 3, 4],
        "member": [1, 3, 4],
        "member2": [1, 3, 4, 5],
        "moderator": [1, 2, 3, 4, 5],
    }[reader]
    assert [post.number for post in page] == expected
    orm = selectors._posts(user, topic).filter(number__lte=20)
    assert [post.pk for post in page] == [post.pk for post in orm]


@pytest.mark.parametrize("reader", ["visitor", "member", "member2"])
@pytest.mark.parametrize("in_category", [False, True], ids=["latest", "category"])
def test_the_latest_first_page_is_the_one_the_orm_query_gives(
    request,
    make_topic,
    make_category,
    category,
    members_category,
    moderator,
    reader,
    in_category,
):
    """The prepared first page of the latest topics, and of a category's: the
    same topics, order, read markers and next page as the ORM's query, for
    visitors (nothing members-only) and members."""
    sub = make_category(parent=members_category)
    topics = [
        make_topic(in_category=(members_category, sub, category)[index % 3])
        for index in range(33)
    ]
    services.topic_set_state(actor=moderator, topic=topics[3], pinned=True)
    held = make_topic(author=request.getfixturevalue("member2"))
    Topic.objects.filter(pk=held.pk).update(awaiting_approval=True)
    if reader == "visitor":
        user = AnonymousUser()
    else:
        user = request.getfixturevalue(reader)
        services.topic_mark_read(user=user, topic=topics[5], post_number=1)
    scope = members_category if in_category else None

    listing = selectors.topic_list(user=user, category=scope)

    query = selectors._topics(user)
    if scope is not None:
        query = query.filter(Q(category=scope) | Q(category__parent=scope))
    orm = keyset.page(query, selectors.LIST_ORDER["latest"], None, 30)
    page = listing.page.object_list
    assert [t.pk for t in page] == [t.pk for t in orm.object_list]
    assert listing.page.next_cursor == orm.next_cursor
    assert [getattr(t, "last_read", None) for t in page] == [
        getattr(t, "last_read", None) for t in orm.object_list
    ]
    shown = {t.pk for t in page}
    assert held.pk not in shown  # held topics wait for review outside lists
    hidden_from_visitors = {members_category.pk, sub.pk}
    if reader == "visitor":
        assert not {t.category_id for t in page} & hidden_from_visitors
    else:
        assert topics[3].pk == page[0].pk  # pinned first
        assert topics[5].pk in shown or in_category
