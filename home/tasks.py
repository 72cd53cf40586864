"""What the CMS side runs in workers: scheduled publishing, comment follow-ups."""

import logging

from celery import shared_task
from django.core.management import call_command
from django_comments_xtd import views as xtd_views
from django_comments_xtd.models import XtdComment

from outbox import services as outbox
from outbox.registry import action

logger = logging.getLogger(__name__)

# django-comments-xtd's own sender, kept before home.apps routes xtd's calls
# through `notify_comment_followers_later`.
_xtd_notify_comment_followers = xtd_views.notify_comment_followers


@shared_task(name="home.tasks.publish_scheduled_pages", ignore_result=True)
def publish_scheduled_pages():
    """Publish and unpublish pages whose go-live or expiry time has come.

    Wagtail stores the schedule on each revision; its `publish_scheduled` command
    acts on it. celery beat runs this every minute (CELERY_BEAT_SCHEDULE).
    """
    call_command("publish_scheduled")


def notify_comment_followers_later(comment) -> None:
    """What xtd calls when a comment becomes public: e-mail the members who
    follow the page's comments. xtd would send in the request, where a mail
    server outage fails the page after the comment was saved; an outbox job
    sends it durably instead."""
    outbox.enqueue("comments.notify_followers", comment.pk)


@action("comments.notify_followers")
def notify_comment_followers(comment_id: int) -> bool:
    """xtd's follow-up e-mails for a comment that is still public."""
    comment = XtdComment.norel_objects.filter(
        pk=comment_id, is_public=True, is_removed=False
    ).first()
    if comment is None:
        return False
    _xtd_notify_comment_followers(comment)
    return True
