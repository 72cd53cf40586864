"""What the CMS side runs in workers: scheduled publishing, comment follow-ups."""

import hashlib
import logging

from celery import shared_task
from django.core.mail import EmailMultiAlternatives
from django.core.management import call_command
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_comments_xtd import signed
from django_comments_xtd.conf import settings as xtd_settings
from django_comments_xtd.models import XtdComment

from forum.core import delivery
from forum.notifications import mail as emails
from outbox import services as outbox
from outbox.registry import action

from . import practices, services
from .models import PracticePage, SeminarPage

logger = logging.getLogger(__name__)


@shared_task(name="home.tasks.publish_scheduled_pages", ignore_result=True)
def publish_scheduled_pages():
    """Publish and unpublish pages whose go-live or expiry time has come.

    Wagtail stores the schedule on each revision; its `publish_scheduled` command
    acts on it. celery beat runs this every minute (CELERY_BEAT_SCHEDULE).
    """
    call_command("publish_scheduled")


def notify_comment_followers_later(comment) -> None:
    """What xtd calls when a comment becomes public: e-mail the members who
    follow the page's comments. xtd sends them all in the request, where a
    mail server outage fails the page after the comment was saved; here an
    outbox job writes one e-mail job per follower instead."""
    outbox.enqueue("comments.notify_followers", comment.pk)


def _public_comment(comment_id: int) -> XtdComment | None:
    return (
        XtdComment.objects.select_related("content_type", "site")
        .filter(pk=comment_id, is_public=True, is_removed=False)
        .first()
    )


def _followed(comment: XtdComment):
    """The page's public comments whose authors asked for follow-ups (xtd's
    own rule), but the new comment's author's."""
    return XtdComment.objects.filter(
        content_type=comment.content_type,
        object_pk=comment.object_pk,
        is_public=True,
        followup=True,
    ).exclude(user_email=comment.user_email)


@action("comments.notify_followers")
def notify_comment_followers(comment_id: int) -> int:
    """One `comments.send_follow_up` job per follower, so that one address the
    mail server refuses holds up nobody else and nobody gets an e-mail twice."""
    comment = _public_comment(comment_id)
    if comment is None:
        return 0
    addresses = sorted(set(_followed(comment).values_list("user_email", flat=True)))
    outbox.enqueue_many(
        "comments.send_follow_up", [[comment.pk, address] for address in addresses]
    )
    return len(addresses)


@action("comments.send_follow_up")
def send_comment_follow_up(comment_id: int, address: str) -> str:
    """xtd's follow-up e-mail to one follower, in their language, at most once."""
    comment = _public_comment(comment_id)
    if comment is None:
        return "gone"
    followed = (
        _followed(comment)
        .select_related("user__profile")
        .filter(user_email=address)
        .order_by("-submit_date")
        .first()
    )
    if followed is None:
        return "no longer follows"  # xtd's mute link clears `followup`
    digest = hashlib.sha256(address.lower().encode()).hexdigest()[:32]
    key = f"comment-follow-up:{comment.pk}:{digest}"
    sent = delivery.send_once(key, followed.user, lambda: _follow_up(comment, followed))
    return "sent" if sent else "already sent"


def _follow_up(comment: XtdComment, followed: XtdComment) -> EmailMultiAlternatives:
    """The message xtd's notify_comment_followers builds, for one follower."""
    salt = xtd_settings.COMMENTS_XTD_SALT
    key = signed.dumps(followed, compress=True, extra_key=salt)
    with translation.override(emails.language_of(followed.user)):
        context = {
            "user_name": followed.user_name,
            "comment": comment,
            "content_object": comment.content_object,
            "mute_url": reverse("comments-xtd-mute", args=[key.decode()]),
            "site": comment.site,
        }
        message = EmailMultiAlternatives(
            _("new comment posted"),
            render_to_string("django_comments_xtd/email_followup_comment.txt", context),
            xtd_settings.COMMENTS_XTD_FROM_EMAIL,
            [followed.user_email],
        )
        if xtd_settings.COMMENTS_XTD_SEND_HTML_EMAIL:
            message.attach_alternative(
                render_to_string(
                    "django_comments_xtd/email_followup_comment.html", context
                ),
                "text/html",
            )
    return message


# Editors publish a seminar's translations one after another: the news waits
# this long, so that it names new materials in each member's language.
SEMINAR_NEWS_DELAY = 10 * 60


def seminar_published_later(sender, instance, **kwargs):
    """page_published: a published seminar may have news for the members
    interested in it (home.services.seminar_published), told by a worker."""
    if isinstance(instance, SeminarPage):
        outbox.enqueue("home.seminar_published", instance.pk, delay=SEMINAR_NEWS_DELAY)


@action("home.seminar_published")
def seminar_published(page_id: int) -> int:
    return services.seminar_published(page_id)


def practice_changed_later(sender, instance, **kwargs):
    """page_published and page_unpublished (also sent before a delete) of a
    practice: its topic's mark and its authors' notifications
    (home.practices.practice_changed)."""
    if isinstance(instance, PracticePage) and instance.source_topic_id:
        outbox.enqueue("home.practice_changed", instance.source_topic_id)


@action("home.practice_changed")
def practice_changed(topic_id: int) -> int:
    return practices.practice_changed(topic_id)
