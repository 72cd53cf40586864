"""A suspended member reads everything they could read, and writes nothing.

The sweep walks every URL of the forum and of the comments (the URL resolver,
not a hand-kept list) and POSTs to each as a suspended member: each must answer
403, or 405 where the view only reads. A new endpoint fails here until it
checks `permissions.can_write` (or is listed below as not a write, with why).
"""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, reverse
from django.utils import timezone
from django_comments_xtd.models import XtdComment

from forum import permissions
from forum.discussions import services
from forum.models import (
    AuditEntry,
    Invitation,
    Notification,
    Suspension,
)
from forum.moderation import services as moderation
from forum.urls import urlpatterns as forum_patterns
from home.models import NewsPage
from home.urls import urlpatterns as comment_patterns

# POSTs a suspended member may still make, and why they are not writes.
NOT_WRITES = {
    # Stopping e-mail must always work, suspended or not (the link in every
    # e-mail, and its page of preferences).
    "forum:unsubscribe": "stops e-mail",
    "forum:unsubscribe_undo": "stops e-mail",
    "forum:preferences": "e-mail preferences",
    "comments-xtd-mute": "stops follow-up e-mail",
    # Marking one's own notifications read is reading, like the read marker.
    "forum:notification_read": "reading state",
    "forum:notifications_read_all": "reading state",
    # Renders Markdown and saves nothing.
    "forum:preview": "renders only",
    # django-contrib-comments' and xtd's pages that take any method and only
    # show something: confirmations, the permalink, the reply form.
    "comments-comment-done": "confirmation page",
    "comments-flag-done": "confirmation page",
    "comments-delete-done": "confirmation page",
    "comments-approve-done": "confirmation page",
    "comments-xtd-sent": "confirmation page",
    "comments-url-redirect": "permalink",
    "comments-xtd-reply": "shows the reply form; posting goes to post/",
}


def _names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{pattern.namespace}:" if pattern.namespace else namespace
            yield from _names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", pattern


ENDPOINTS = sorted(
    {
        name
        for name, _p in [*_names(forum_patterns, "forum:"), *_names(comment_patterns)]
    }
)


@pytest.fixture
def suspended(make_user):
    """Kairat, suspended by the `world` fixture once he has written something."""
    return make_user("kairat")


@pytest.fixture
def world(
    demo,
    make_topic,
    member,
    member2,
    suspended,
    moderator,
    django_capture_on_commit_callbacks,
):
    """One of everything an endpoint may point at, most of it by other members."""
    news = NewsPage.objects.get(
        slug="press-services-seminar-astana", locale__language_code="en"
    )
    with django_capture_on_commit_callbacks(execute=True):
        topic = make_topic(author=member, tags=["press"])
        reply = services.post_create(actor=member2, topic=topic, raw="A reply.")
        own = services.post_create(actor=suspended, topic=topic, raw="Mine.")
        comment = XtdComment.objects.create(
            content_object=news,
            site_id=1,
            user=member,
            user_name=member.username,
            user_email=member.email,
            comment="A comment by someone else.",
        )
        flag = moderation.flag_create(actor=member, post=own, reason="spam")
        moderation.suspend_user(actor=moderator, user=suspended, days=3, reason="Spam.")
    notification = Notification.objects.create(
        user=suspended, kind=Notification.Kind.REPLY, post=reply, topic=topic
    )
    invitation = Invitation.objects.create(email="someone@example.kz")
    return {
        "topic": topic,
        "reply": reply,
        "comment": comment,
        "item": flag.review,
        "notification": notification,
        "invitation": invitation,
        "suspension": Suspension.objects.get(user=suspended),
        "suspended": suspended,
    }


def url_for(name, world) -> str:
    topic, reply = world["topic"], world["reply"]
    values = {
        "topic_id": topic.pk,
        "slug": topic.slug,
        "number": 1,
        "post_id": reply.pk,
        "category_slug": topic.category.slug,
        "tag_name": "press",
        "username": world["suspended"].username,
        "token": world["invitation"].token,
        "notification_id": world["notification"].pk,
        "comment_id": world["comment"].pk,
        "cid": world["comment"].pk,
        "key": "unknown",
        "item_id": world["item"].pk,
        "action": "approve",
        "suspension_id": world["suspension"].pk,
    }
    pattern = dict([*_names(forum_patterns, "forum:"), *_names(comment_patterns)])[name]
    if pattern.pattern.regex.groups and not pattern.pattern.converters:
        # django_comments' permalink: positional groups, a content type and id.
        return f"/en/comments/cr/{world['comment'].content_type_id}/1/"
    kwargs = {key: values[key] for key in pattern.pattern.converters}
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("name", ENDPOINTS)
def test_a_suspended_member_cannot_write_anywhere(client, world, name):
    client.force_login(world["suspended"])
    audit_before = AuditEntry.objects.count()

    response = client.post(
        url_for(name, world),
        {"raw": "Still posting", "reason": "spam", "note": "x", "title": "A title"},
    )

    if name in NOT_WRITES:
        assert response.status_code < 500
        return
    assert response.status_code in (403, 405), (
        f"{name} answered {response.status_code} to a suspended member's POST: "
        "check permissions.can_write there, or list it in NOT_WRITES with why"
    )
    assert AuditEntry.objects.count() == audit_before


def test_the_sweep_covers_every_write_the_forum_has():
    """Guards the sweep itself: if the resolver walk broke, nothing was tested."""
    for name in (
        "forum:reply",
        "forum:new_topic",
        "forum:post_like",
        "forum:post_bookmark",
        "forum:upload",
        "forum:draft_save",
        "forum:profile_edit",
        "forum:invitations",
        "forum:flag_post",
        "forum:topic_watch",
        "comments-post-comment",
        "comments-xtd-like",
        "comments-flag",
    ):
        assert name in ENDPOINTS


def test_a_suspended_member_still_reads_and_is_told_why_and_until_when(client, world):
    topic = world["topic"]
    client.force_login(world["suspended"])

    page = client.get(topic.get_absolute_url())
    listing = client.get(reverse("forum:latest"))

    assert page.status_code == 200 and listing.status_code == 200
    html = page.content.decode()
    assert topic.title in html and "A reply." in html
    assert "Your account is suspended until" in html and "Spam." in html
    assert 'id="reply-form"' not in html
    assert reverse("forum:flag_post", args=[world["reply"].pk]) not in html


def test_a_suspension_ends_by_itself_or_when_lifted(
    world, moderator, django_capture_on_commit_callbacks
):
    user = world["suspended"]
    suspension = world["suspension"]
    permissions.forget(user)
    assert not permissions.can_write(user)

    with django_capture_on_commit_callbacks(execute=True):
        moderation.suspension_lift(actor=moderator, suspension=suspension)

    permissions.forget(user)
    assert permissions.can_write(user)
    entry = AuditEntry.objects.get(action="suspension_lift")
    assert entry.actor == moderator and entry.target_id == str(user.pk)
    Suspension.objects.create(
        user=user,
        reason="Old",
        starts_at=timezone.now() - timedelta(days=10),
        ends_at=timezone.now() - timedelta(days=3),
    )
    permissions.forget(user)
    assert permissions.can_write(user)


def test_only_global_moderators_suspend_and_never_staff(make_user, moderator, member):
    from django.core.exceptions import PermissionDenied

    category_moderator = make_user()
    staff = make_user(is_staff=True)
    with pytest.raises(PermissionDenied):
        moderation.suspend_user(
            actor=category_moderator, user=member, days=1, reason="No"
        )
    with pytest.raises(PermissionDenied):
        moderation.suspend_user(actor=moderator, user=staff, days=1, reason="No")


def test_suspending_needs_days_and_a_reason(moderator, member):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        moderation.suspend_user(actor=moderator, user=member, days=0, reason=" ")

    assert set(error.value.message_dict) == {"days", "reason"}
    assert not Suspension.objects.filter(user=member).exists()


def test_demo_moderator_account_is_in_the_moderators_group(demo):
    from django.contrib.auth import get_user_model

    call_command("load_demo", stdout=io.StringIO())
    moderator = get_user_model().objects.get(username="moderator")
    assert permissions.is_global_moderator(moderator)
    assert permissions.can_review(moderator)
