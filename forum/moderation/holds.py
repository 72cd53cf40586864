"""Held content: a new member's post or comment waits in the review queue.

It exists and keeps its place, but counts nowhere and only its author and the
moderators read it until one approves it (moderation.services decides). The
posting services hold what members/trust.needs_approval says to hold; this
module is below them, so that posting never imports the decisions.
"""

from django.db import IntegrityError, transaction

from forum.models import Post, ReviewItem
from forum.notifications import services as notifications

Status = ReviewItem.Status


def pending_item(*, reason: str, post=None, comment=None) -> ReviewItem:
    """The target's pending item, locked, or a new one (one per target at most)."""
    target = {"post": post} if post is not None else {"comment": comment}
    pending = ReviewItem.objects.select_for_update().filter(
        status=Status.PENDING, **target
    )
    item = pending.first()
    if item is not None:
        return item
    try:
        with transaction.atomic():
            return ReviewItem.objects.create(reason=reason, **target)
    except IntegrityError:  # a concurrent flag opened it first
        return pending.get()


def post_hold(*, post: Post, notify: bool = True) -> ReviewItem:
    """Queue a held post (services.topic_create / post_create call this)."""
    item = pending_item(reason=ReviewItem.Reason.HELD, post=post)
    if notify and post.author_id:
        notifications.moderation_outcome(
            user=post.author, outcome="held", actor=None, post=post
        )
    return item


@transaction.atomic
def comment_hold(*, comment) -> ReviewItem:
    """Queue a comment that was saved unpublished because its author is new."""
    item = pending_item(reason=ReviewItem.Reason.HELD, comment=comment)
    if comment.user_id:
        notifications.moderation_outcome(
            user=comment.user, outcome="held", actor=None, comment=comment
        )
    return item
