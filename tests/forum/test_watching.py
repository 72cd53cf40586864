"""Watching levels: what posting sets, what members choose, and the controls on the
topic and category pages."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from forum.discussions import services
from forum.models import CategoryWatch, NotificationLevel, TopicWatch
from forum.notifications import selectors as notification_selectors
from forum.notifications import services as notifications

Level = NotificationLevel


def watch_of(user, topic):
    return TopicWatch.objects.filter(user=user, topic=topic).first()


# What posting sets ---------------------------------------------------------------


def test_creating_a_topic_tracks_it_as_not_chosen(member, make_topic):
    topic = make_topic(author=member)

    watch = watch_of(member, topic)
    assert (watch.level, watch.chosen) == (Level.TRACKING, False)


def test_replying_tracks_the_topic(member, member2, make_topic):
    topic = make_topic(author=member)

    services.post_create(actor=member2, topic=topic, raw="A reply.")

    assert watch_of(member2, topic).level == Level.TRACKING


def test_replying_moves_an_automatic_normal_to_tracking(member, member2, make_topic):
    topic = make_topic(author=member)
    TopicWatch.objects.create(
        user=member2, topic=topic, level=Level.NORMAL, chosen=False
    )

    services.post_create(actor=member2, topic=topic, raw="A reply.")

    assert watch_of(member2, topic).level == Level.TRACKING


@pytest.mark.parametrize("level", [Level.NORMAL, Level.MUTED, Level.WATCHING])
def test_replying_never_overrides_a_level_the_member_chose(
    member, member2, make_topic, level
):
    topic = make_topic(author=member)
    notifications.topic_watch_set(actor=member2, topic=topic, level=level)

    services.post_create(actor=member2, topic=topic, raw="A reply.")

    watch = watch_of(member2, topic)
    assert (watch.level, watch.chosen) == (level, True)


@pytest.mark.parametrize("level", [Level.WATCHING, Level.MUTED])
def test_replying_keeps_a_watching_or_muted_category_level(
    member, member2, category, make_topic, level
):
    topic = make_topic(author=member)
    notifications.category_watch_set(actor=member2, category=category, level=level)

    services.post_create(actor=member2, topic=topic, raw="A reply.")

    assert watch_of(member2, topic) is None
    assert notification_selectors.topic_level(member2, topic) == {
        "level": level,
        "inherited": True,
    }


# The effective level -------------------------------------------------------------


def test_the_effective_level_is_the_topics_then_the_categorys_then_the_parents(
    member, member2, member3, make_user, make_category, make_topic
):
    parent = make_category()
    child = make_category(parent=parent)
    topic = make_topic(author=member, in_category=child)
    dana = make_user("dana")
    notifications.category_watch_set(actor=member2, category=parent, level=3)
    notifications.category_watch_set(actor=member3, category=parent, level=3)
    notifications.category_watch_set(actor=member3, category=child, level=0)
    notifications.topic_watch_set(actor=member3, topic=topic, level=2)
    notifications.category_watch_set(actor=dana, category=child, level=0)

    levels = notification_selectors.effective_levels(
        topic, [member.pk, member2.pk, member3.pk, dana.pk]
    )

    assert levels == {
        member.pk: Level.TRACKING,  # posting set it
        member2.pk: Level.WATCHING,  # from the parent
        member3.pk: Level.TRACKING,  # the topic's own beats both categories
        dana.pk: Level.MUTED,
    }


# Services ------------------------------------------------------------------------


def test_setting_a_level_needs_a_member_who_sees_the_topic(
    member, member2, make_topic, make_user
):
    from django.contrib.auth.models import AnonymousUser

    topic = make_topic(author=member)
    with pytest.raises(PermissionDenied):
        notifications.topic_watch_set(actor=AnonymousUser(), topic=topic, level=3)
    with pytest.raises(ValidationError):
        notifications.topic_watch_set(actor=member2, topic=topic, level=7)
    with pytest.raises(ValidationError):
        notifications.category_watch_set(
            actor=member2, category=topic.category, level="loud"
        )


def test_a_member_cannot_watch_a_topic_they_cannot_see(member, member2, make_topic):
    topic = make_topic(author=member)
    topic.awaiting_approval = True
    topic.save(update_fields=["awaiting_approval"])

    with pytest.raises(PermissionDenied):
        notifications.topic_watch_set(actor=member2, topic=topic, level=3)


# The controls --------------------------------------------------------------------


def test_the_topic_page_shows_a_labelled_level_control_to_members_only(
    client, member, member2, make_topic
):
    topic = make_topic(author=member)

    assert 'name="level"' not in client.get(topic.get_absolute_url()).content.decode()

    client.force_login(member2)
    html = client.get(topic.get_absolute_url()).content.decode()
    assert '<label for="watch-topic-level">Notifications for this topic</label>' in html
    assert '<select id="watch-topic-level" name="level"' in html
    for label in ("Watching", "Tracking", "Normal", "Muted"):
        assert f">{label}: " in html
    assert '<option value="1" selected>' in html


def test_choosing_a_topic_level_without_javascript_redirects_back(
    client, member, member2, make_topic
):
    topic = make_topic(author=member)
    client.force_login(member2)

    response = client.post(
        reverse("forum:topic_watch", args=[topic.pk]), {"level": Level.WATCHING}
    )

    assert (response.status_code, response.url) == (302, topic.get_absolute_url())
    watch = watch_of(member2, topic)
    assert (watch.level, watch.chosen) == (Level.WATCHING, True)
    html = client.get(topic.get_absolute_url()).content.decode()
    assert '<option value="3" selected>' in html


def test_choosing_a_level_with_htmx_answers_a_status_and_the_new_explanation(
    client, member, member2, make_topic
):
    topic = make_topic(author=member)
    client.force_login(member2)

    response = client.post(
        reverse("forum:topic_watch", args=[topic.pk]),
        {"level": Level.MUTED},
        HTTP_HX_REQUEST="true",
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "<form" not in html
    assert "Your notification level was saved." in html
    assert 'id="watch-topic-help" hx-swap-oob="true"' in html
    assert "You are never notified about this topic." in html
    assert watch_of(member2, topic).level == Level.MUTED


def test_an_unknown_level_is_refused_with_a_clear_error(
    client, member, member2, make_topic
):
    topic = make_topic(author=member)
    client.force_login(member2)
    url = reverse("forum:topic_watch", args=[topic.pk])

    response = client.post(url, {"level": "99"}, HTTP_HX_REQUEST="true")
    assert "Choose one of the notification levels." in response.content.decode()
    assert "was saved" not in response.content.decode()

    response = client.post(url, {"level": "99"}, follow=True)
    assert "Choose one of the notification levels." in response.content.decode()
    assert watch_of(member2, topic) is None


def test_visitors_cannot_set_levels(client, member, make_topic):
    topic = make_topic(author=member)

    response = client.post(reverse("forum:topic_watch", args=[topic.pk]), {"level": 3})

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_the_category_page_sets_the_category_level(client, member2, category):
    client.force_login(member2)
    url = reverse("forum:category", args=[category.slug])
    html = client.get(url).content.decode()
    assert '<label for="watch-category-level">' in html

    response = client.post(
        reverse("forum:category_watch", args=[category.slug]), {"level": 3}
    )

    assert response.url == url
    assert CategoryWatch.objects.get(user=member2, category=category).level == 3
    assert '<option value="3" selected>' in client.get(url).content.decode()


def test_a_topic_shows_the_level_it_inherits_from_its_category(
    client, member, member2, category, make_topic
):
    topic = make_topic(author=member)
    notifications.category_watch_set(actor=member2, category=category, level=3)
    client.force_login(member2)

    html = client.get(topic.get_absolute_url()).content.decode()

    assert '<option value="3" selected>' in html
    assert "(Set by your level for the category.)" in html


def test_muted_categories_keep_their_topics_in_the_lists(
    client, member, member2, category, make_topic
):
    topic = make_topic(author=member)
    notifications.category_watch_set(actor=member2, category=category, level=0)
    client.force_login(member2)

    assert topic.title in client.get(reverse("forum:latest")).content.decode()


@pytest.mark.parametrize("size", [10, 50])
def test_the_level_control_costs_one_query_whatever_the_levels(
    member, member2, make_user, make_topic, category, size, django_assert_num_queries
):
    topic = make_topic(author=member)
    for _ in range(size):
        someone = make_user()
        notifications.topic_watch_set(actor=someone, topic=topic, level=3)
        notifications.category_watch_set(actor=someone, category=category, level=0)

    with django_assert_num_queries(1):
        notification_selectors.topic_level(member2, topic)
    with django_assert_num_queries(1):
        notification_selectors.category_level(member2, category)
