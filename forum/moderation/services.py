"""Moderation: held posts and comments, flags, the review queue, suspensions.

Every decision here is a service in the house shape: permission first, one
transaction, the review item resolved, an audit entry written, the author told
through notifications.moderation_outcome (in their own language, rendered by
forum/notifications/services.py), and the search index brought in step after commit.

A post or comment reaches the queue in two ways. It is *held* when a new
member writes it (trust.needs_approval): it exists, keeps its number, but
counts nowhere and only its author and moderators read it until approved. It
is *flagged* when members report it; when enough trusted members agree
(conf.FORUM_AUTO_HIDE_FLAGS flags from members at or above
conf.FORUM_TRUSTED_FLAG_LEVEL) it is hidden at once, before a moderator
looks, and stays hidden until one decides.
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from forum import permissions
from forum.conf import conf
from forum.core import audit
from forum.discussions import counters
from forum.discussions import services as discussions
from forum.models import Flag, Post, ReviewItem, Suspension
from forum.moderation.holds import pending_item
from forum.notifications import services as notifications
from outbox import services as outbox

NOTE_MAX_LENGTH = 1000
REASON_MAX_LENGTH = 1000
SUSPENSION_MAX_DAYS = 3650

Status = ReviewItem.Status


def _require(allowed: bool):
    if not allowed:
        raise PermissionDenied


def _hide_post(post: Post) -> bool:
    """Hide the post from readers; False when it already was."""
    if post.is_hidden:
        return False
    post.hidden_at = timezone.now()
    Post.objects.filter(pk=post.pk).update(hidden_at=post.hidden_at)
    return True


def _hide_comment(comment) -> bool:
    """Unpublish the comment; False when it already was."""
    if not comment.is_public:
        return False
    comment.is_public = False
    comment.save(update_fields=["is_public"])  # search/apps.py re-indexes it
    return True


# Flags ----------------------------------------------------------------------------


def clean_flag(reason: str, note: str) -> tuple[str, str]:
    note = (note or "").strip()
    if reason not in Flag.Reason.values:
        raise ValidationError({"reason": _("Choose why you are flagging this.")})
    if reason == Flag.Reason.OTHER and not note:
        raise ValidationError({"note": _("Tell the moderators what is wrong with it.")})
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError(
            {
                "note": _("The note can have at most %(n)d characters.")
                % {"n": NOTE_MAX_LENGTH}
            }
        )
    return reason, note


def can_flag(actor, *, post=None, comment=None) -> bool:
    if post is not None:
        return permissions.can_flag(actor, post)
    return permissions.can_flag_comment(actor, comment)


@transaction.atomic
def flag_create(*, actor, post=None, comment=None, reason: str, note: str = "") -> Flag:
    """Report a post or a comment; enough trusted flags hide it until reviewed."""
    if (post is None) == (comment is None):
        raise ValueError("flag exactly one post or one comment")
    _require(can_flag(actor, post=post, comment=comment))
    reason, note = clean_flag(reason, note)
    target = {"post": post} if post is not None else {"comment": comment}
    already = _("You have already flagged this. The moderators will look at it.")
    if Flag.objects.filter(user=actor, **target).exists():
        raise ValidationError({"reason": already})
    item = pending_item(reason=ReviewItem.Reason.FLAGGED, **target)
    try:
        with transaction.atomic():
            flag = Flag.objects.create(
                user=actor, reason=reason, note=note, review=item, **target
            )
    except IntegrityError:  # the same member, twice at once
        raise ValidationError({"reason": already}) from None
    _auto_hide(item, **target)
    return flag


def _auto_hide(item: ReviewItem, *, post=None, comment=None):
    category = post.topic.category if post is not None else None
    trusted = 0
    trusted_level = conf.FORUM_TRUSTED_FLAG_LEVEL
    flags = item.flags.select_related("user", "user__profile")
    for flag in flags:
        user = flag.user
        if permissions.trust_level(user) >= trusted_level or (
            category is not None and permissions.can_moderate(user, category)
        ):
            trusted += 1
    if trusted < conf.FORUM_AUTO_HIDE_FLAGS:
        return
    if post is not None:
        if not _hide_post(post):
            return
        counters.reindex_after_visibility(post)
        author, target = post.author, post
    else:
        if not _hide_comment(comment):
            return
        author, target = comment.user, comment
    audit.record(
        actor=None,
        action="auto_hide",
        target=target,
        reason=_("Hidden by %(n)d flags from trusted members.") % {"n": trusted},
        review=item.pk,
        flags=trusted,
    )
    if author is not None:
        notifications.moderation_outcome(
            user=author, outcome="hidden", actor=None, post=post, comment=comment
        )


# Review decisions -----------------------------------------------------------------


def can_decide(actor, item: ReviewItem) -> bool:
    if item.post_id:
        return permissions.can_review_post(actor, item.post)
    return permissions.can_review_comment(actor, item.comment)


def _lock_pending(actor, item: ReviewItem) -> ReviewItem:
    _require(can_decide(actor, item))
    locked = ReviewItem.objects.select_for_update().get(pk=item.pk)
    if locked.status != Status.PENDING:
        raise ValidationError(_("Another moderator has already dealt with this."))
    return item


def author_of(item: ReviewItem):
    """Who wrote the post or comment under review (None for a deleted account)."""
    return item.post.author if item.post_id else item.comment.user


def _conclude(item: ReviewItem, *, actor, status: str, action: str, note: str):
    """Resolve the item, audit the decision and tell the author its outcome
    (named like the status: "approved", "hidden", "deleted")."""
    item.status = status
    item.resolved_at = timezone.now()
    item.resolved_by = actor
    item.note = (note or "").strip()[:NOTE_MAX_LENGTH]
    item.save(update_fields=["status", "resolved_at", "resolved_by", "note"])
    audit.record(
        actor=actor,
        action=action,
        target=item.post if item.post_id else item.comment,
        reason=note,
        review=item.pk,
        review_reason=item.reason,
        flags=item.flags.count(),
    )
    author = author_of(item)
    if author is not None:
        notifications.moderation_outcome(
            user=author,
            outcome=str(status),
            actor=actor,
            post=item.post,
            comment=item.comment,
            reason=note,
        )


@transaction.atomic
def review_approve(*, actor, item: ReviewItem, note: str = "") -> ReviewItem:
    """A held post or comment is published; a flagged one stays (or becomes
    visible again) and its flags are dismissed."""
    item = _lock_pending(actor, item)
    if item.post_id:
        post = item.post
        was_held = post.awaiting_approval
        if was_held:
            counters.publish_held(post)
        if post.is_hidden:
            post.hidden_at = None
            Post.objects.filter(pk=post.pk).update(hidden_at=None)
        counters.reindex_after_visibility(post)
    else:
        comment = item.comment
        was_held = not comment.is_public and item.reason == ReviewItem.Reason.HELD
        if not comment.is_public:
            comment.is_public = True
            comment.save(update_fields=["is_public"])  # search/apps.py indexes it
    _conclude(item, actor=actor, status=Status.APPROVED, action="approve", note=note)
    if was_held and item.post_id:
        notifications.post_created(item.post)
    elif was_held:
        notifications.comment_posted(item.comment)
        _notify_comment_followers_later(item.comment)
    return item


def _notify_comment_followers_later(comment):
    """What xtd does for a comment posted public: e-mail who follows the page
    (an outbox job, home/tasks.py)."""
    outbox.enqueue("comments.notify_followers", comment.pk)


@transaction.atomic
def review_hide(*, actor, item: ReviewItem, note: str = "") -> ReviewItem:
    """Keep it from readers (author and moderators still see it)."""
    item = _lock_pending(actor, item)
    if item.post_id:
        _hide_post(item.post)
        counters.reindex_after_visibility(item.post)
    else:
        _hide_comment(item.comment)
    _conclude(item, actor=actor, status=Status.HIDDEN, action="hide", note=note)
    return item


@transaction.atomic
def review_delete(*, actor, item: ReviewItem, note: str = "") -> ReviewItem:
    """Delete it the way its author could: a post softly (restorable), a
    comment marked removed."""
    item = _lock_pending(actor, item)
    if item.post_id:
        if not item.post.is_deleted:
            discussions.post_delete(actor=actor, post=item.post)
    else:
        comment = item.comment
        if not comment.is_removed:
            comment.is_removed = True
            comment.save(update_fields=["is_removed"])
    _conclude(item, actor=actor, status=Status.DELETED, action="delete", note=note)
    return item


# Suspensions ----------------------------------------------------------------------


def clean_suspension(days, reason: str) -> tuple[int, str]:
    errors = {}
    try:
        days = int(days)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= SUSPENSION_MAX_DAYS:
        errors["days"] = _("Suspend for 1 to %(n)d days.") % {"n": SUSPENSION_MAX_DAYS}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = _("Say why: the member will read it.")
    elif len(reason) > REASON_MAX_LENGTH:
        errors["reason"] = _("The reason can have at most %(n)d characters.") % {
            "n": REASON_MAX_LENGTH
        }
    if errors:
        raise ValidationError(errors)
    return days, reason


@transaction.atomic
def suspend_user(*, actor, user, days: int, reason: str) -> Suspension:
    """The member keeps reading but writes nothing until the suspension ends."""
    _require(permissions.can_suspend(actor, user))
    days, reason = clean_suspension(days, reason)
    now = timezone.now()
    suspension = Suspension.objects.create(
        user=user,
        reason=reason,
        starts_at=now,
        ends_at=now + timedelta(days=days),
        created_by=actor,
    )
    permissions.forget(user)
    audit.record(
        actor=actor,
        action="suspend",
        target=user,
        reason=reason,
        days=days,
        until=suspension.ends_at.isoformat(),
    )
    notifications.moderation_outcome(
        user=user, outcome="suspended", actor=actor, reason=reason
    )
    return suspension


@transaction.atomic
def suspension_lift(*, actor, suspension: Suspension, reason: str = "") -> Suspension:
    _require(permissions.can_suspend(actor, suspension.user))
    if suspension.lifted_at is not None:
        return suspension
    suspension.lifted_at = timezone.now()
    suspension.lifted_by = actor
    suspension.save(update_fields=["lifted_at", "lifted_by"])
    permissions.forget(suspension.user)
    audit.record(
        actor=actor,
        action="suspension_lift",
        target=suspension.user,
        reason=reason,
        suspension=suspension.pk,
    )
    return suspension


def active_suspension(user) -> Suspension | None:
    """The suspension that ends last, for telling the member until when."""
    if not permissions.is_suspended(user):
        return None
    return Suspension.objects.active().filter(user=user).order_by("-ends_at").first()
