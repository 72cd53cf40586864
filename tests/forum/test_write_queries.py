"""Writes cost a known number of queries, as the lists and topic pages do.

Each ceiling is what the write costs today (the request's own session, member
and permission look-ups included); a change that adds a query fails here and
has to say why. The README gives the reply's number.
"""

import pytest
from django.urls import reverse

from forum.discussions import services
from forum.models import ReviewItem
from forum.moderation import services as moderation

# The reply POST, session to redirect: docs and README quote this number.
REPLY_QUERIES = 18


@pytest.fixture
def topic(make_topic, member):
    return make_topic(author=member, title="Briefing templates for regions")


@pytest.fixture
def reader(client, member2, topic):
    """bolat, who has opened the topic before (as anyone replying has)."""
    client.force_login(member2)
    client.get(topic.get_absolute_url())
    return client


def test_a_reply_with_a_mention(reader, topic, django_assert_max_num_queries):
    with django_assert_max_num_queries(REPLY_QUERIES):
        response = reader.post(
            reverse("forum:reply", args=[topic.pk]),
            {"raw": "@alma thanks, the template helps a lot."},
        )
    assert response.status_code == 302
    assert topic.posts.filter(number=2, mentions__user__username="alma").exists()


def test_a_new_topic(reader, category, django_assert_max_num_queries):
    with django_assert_max_num_queries(32):
        response = reader.post(
            reverse("forum:new_topic"),
            {
                "category": category.pk,
                "title": "Crisis messages on the weekend",
                "raw": "Who answers the press on Saturdays?",
                "tags": "crisis, weekend",
                "language": "en",
            },
        )
    assert response.status_code == 302


def test_a_like(reader, topic, django_assert_max_num_queries):
    post = topic.posts.get(number=1)
    with django_assert_max_num_queries(20):
        response = reader.post(reverse("forum:post_like", args=[post.pk]))
    assert response.status_code == 302
    assert post.likes.count() == 1


def test_a_flag(reader, topic, django_assert_max_num_queries):
    post = topic.posts.get(number=1)
    with django_assert_max_num_queries(14):
        response = reader.post(
            reverse("forum:flag_post", args=[post.pk]), {"reason": "spam"}
        )
    assert response.status_code == 302
    assert post.flags.count() == 1


def test_a_review_decision(
    client, topic, member2, moderator, django_assert_max_num_queries
):
    post = services.post_create(actor=member2, topic=topic, raw="Off topic, sorry.")
    moderation.flag_create(actor=topic.author, post=post, reason="off_topic")
    item = ReviewItem.objects.get(post=post)
    client.force_login(moderator)
    with django_assert_max_num_queries(22):
        response = client.post(
            reverse("forum:review_decide", args=[item.pk, "hide"]),
            {"note": "Off topic."},
        )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == ReviewItem.Status.HIDDEN
