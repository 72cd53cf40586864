"""In-app notifications and watching levels, as Discourse has them.

Who hears about a post is decided once, after the post's transaction commits,
by the `notify_post` task: it takes ids only, re-reads the post and is
idempotent (a member gets at most one notification per post, however often it
runs). Likes are grouped per post while the group is unread, so they are kept
in step inside the like's own transaction.

A member's level for a topic (NotificationLevel) is their TopicWatch row if
they have one, else their CategoryWatch for the topic's category, else for its
parent category, else Normal. Muted silences everything about the topic, even
mentions. Watching adds every new post (in a category: every new topic).

CONTRACT (called from forum/discussions/services.py,
forum/moderation/services.py, home/):
- post_created(post): a visible post was created or approved; fan out after commit.
- post_edited(post): notify members newly mentioned by the edit.
- track_after_posting(*, user, topic): creating or replying sets tracking.
- post_like_changed(*, post, actor, liked): grouped like notification.
- solution_accepted(*, post, actor): tell the reply's author.
- moderation_outcome(*, user, outcome, actor, post=None, comment=None, reason=""):
  tell the author what a moderator decided.
- comment_posted(comment), comment_like_changed(*, comment, actor, liked).
- topic_read(*, user, topic, post_number): the member read the topic that far.
"""

import contextvars
import logging
import re
from contextlib import contextmanager, nullcontext

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_comments_xtd.models import XtdComment

import pagecache
from forum import permissions
from forum.conf import conf
from forum.core.markdown import mentioned_members
from forum.members.display import display_name
from forum.models import (
    Category,
    CategoryWatch,
    Mention,
    Notification,
    NotificationLevel,
    Post,
    Topic,
    TopicWatch,
)
from forum.notifications import selectors
from outbox import services as outbox

logger = logging.getLogger(__name__)

Kind = Notification.Kind
Level = NotificationLevel

# The kinds a new post can cause, strongest first: a member who qualifies for
# several gets only the first.
POST_KINDS = [Kind.REPLY, Kind.QUOTE, Kind.MENTION, Kind.NEW_TOPIC, Kind.POSTED]
# An edit can only add names: new quotes and new mentions.
EDIT_KINDS = [Kind.QUOTE, Kind.MENTION]
MODERATION_OUTCOMES = ("approved", "hidden", "deleted", "suspended", "held")
# The kinds worth an e-mail (forum/notifications/mail.py sends them). Likes are not: the
# bell shows them. Replies to comments are e-mailed by django-comments-xtd, to
# those who ticked "E-mail me when someone replies" on the comment form: that
# choice is the member's, so no second path.
EMAIL_KINDS = frozenset(
    {
        Kind.REPLY,
        Kind.QUOTE,
        Kind.MENTION,
        Kind.POSTED,
        Kind.NEW_TOPIC,
        Kind.SOLUTION,
        Kind.MODERATION,
        Kind.SEMINAR_DATES,
        Kind.SEMINAR_MATERIALS,
        Kind.PRACTICE,
    }
)

# The composer credits a quote on the first line of its blockquote:
# "> @alma [wrote](/kk/forum/t/slug/12/3/):" (views.quote_markdown and
# composer.js). "wrote" is translated and the member may edit the line, so the
# credit is read from that line's link when it is a post's permalink (the
# quoted post names its author), else from an @name that opens the line.
# Quotes nested inside the quote credit someone the poster did not quote.
QUOTE_LINE = re.compile(r"^[ \t]{0,3}>")
LINK = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
POST_PERMALINK = re.compile(r"/forum/t/[^/\s]+/(\d+)/(\d+)/?(?:[?#]\S*)?$")
CREDIT_NAME = re.compile(r"^[ \t]{0,3}>[ \t]*@([\w.-]{1,150})")


_emails_paused = contextvars.ContextVar(
    "forum_notification_emails_paused", default=False
)


@contextmanager
def emails_paused():
    """No notification e-mail for what happens inside: `load_demo` and imports
    write content nobody needs to hear about by e-mail (the bell still shows
    it). The choice travels with the fan-out job, so it holds in a worker too."""
    token = _emails_paused.set(True)
    try:
        yield
    finally:
        _emails_paused.reset(token)


# Levels -------------------------------------------------------------------------


def _clean_level(level) -> int:
    try:
        level = int(level)
    except (TypeError, ValueError):
        level = None
    if level not in Level.values:
        raise ValidationError({"level": _("Choose one of the notification levels.")})
    return level


@transaction.atomic
def topic_watch_set(*, actor, topic: Topic, level) -> TopicWatch:
    """The member chooses how closely to follow the topic; posting keeps it."""
    if not permissions.can_watch_topic(actor, topic):
        raise PermissionDenied
    level = _clean_level(level)
    watch, _created = TopicWatch.objects.update_or_create(
        user=actor, topic=topic, defaults={"level": level, "chosen": True}
    )
    return watch


@transaction.atomic
def category_watch_set(*, actor, category: Category, level) -> CategoryWatch:
    """The member's level for every topic of the category without its own."""
    if not permissions.can_watch_category(actor, category):
        raise PermissionDenied
    level = _clean_level(level)
    watch, _created = CategoryWatch.objects.update_or_create(
        user=actor, category=category, defaults={"level": level}
    )
    return watch


def track_after_posting(*, user, topic: Topic) -> None:
    """Creating a topic or replying to it tracks it, as in Discourse.

    Only a level the member has not set moves: no row, or a Normal that posting
    wrote. A chosen level stays, and Watching or Muted inherited from the
    category is not narrowed by a row of the topic's own.
    """
    if not permissions.is_member(user):
        return
    watch = TopicWatch.objects.filter(user=user, topic=topic).first()
    if watch is not None:
        if watch.level == Level.NORMAL and not watch.chosen:
            TopicWatch.objects.filter(pk=watch.pk).update(
                level=Level.TRACKING, updated_at=timezone.now()
            )
        return
    # No row of the topic's own: the category decides.
    inherited = selectors.category_levels(topic, [user.pk])[user.pk]
    if inherited in (Level.WATCHING, Level.MUTED, Level.TRACKING):
        return
    # A concurrent reply by the same member may have created it first.
    TopicWatch.objects.bulk_create(
        [TopicWatch(user=user, topic=topic, level=Level.TRACKING, chosen=False)],
        ignore_conflicts=True,
    )


# New posts ----------------------------------------------------------------------


def _is_visible(post: Post) -> bool:
    return not (post.awaiting_approval or post.is_hidden or post.is_deleted)


def post_created(post: Post) -> None:
    """Fan out a visible post's notifications once its transaction commits.

    A held post waits: moderation calls this again when it is approved.
    """
    if not _is_visible(post):
        return
    outbox.enqueue("forum.notify_post", post.pk, email=not _emails_paused.get())


def post_edited(post: Post) -> None:
    """An edit notifies the members it newly mentions or quotes."""
    if not _is_visible(post):
        return
    outbox.enqueue(
        "forum.notify_post", post.pk, edit=True, email=not _emails_paused.get()
    )


def _quote_credits(raw: str):
    """The first line of each top-level blockquote."""
    in_quote = False
    for line in raw.splitlines():
        quoted = bool(QUOTE_LINE.match(line))
        if quoted and not in_quote:
            yield line
        in_quote = quoted


def quoted_user_ids(raw: str) -> set[int]:
    """The members whose posts `raw` quotes, read from the quote credits."""
    post_refs, names = set(), set()
    for line in _quote_credits(raw):
        link = LINK.search(line)
        if link is None:
            continue
        permalink = POST_PERMALINK.search(link.group(1))
        if permalink is not None:
            post_refs.add((int(permalink.group(1)), int(permalink.group(2))))
            continue
        name = CREDIT_NAME.match(line)
        if name is not None:
            names.add(name.group(1).rstrip(".-").lower())
    ids = set()
    if post_refs:
        rows = Post.objects.filter(
            topic_id__in={topic_id for topic_id, _number in post_refs},
            number__in={number for _topic_id, number in post_refs},
            deleted_at__isnull=True,
            author__isnull=False,
        ).values_list("topic_id", "number", "author_id")
        ids |= {
            author for topic, number, author in rows if (topic, number) in post_refs
        }
    ids |= {user.pk for user in mentioned_members(names).values()}
    return ids


def notify_post(post_id: int, edit: bool = False, email: bool = True) -> int:
    """Notify everyone a post concerns; returns how many notifications it made.

    Idempotent: the post row is locked while the recipients are worked out, and
    a member who already has a notification about the post gets no other, so a
    retried or repeated run adds nothing. The notifications' e-mail jobs are
    written in the same transaction, so a run that created a notification has
    also scheduled its e-mail. `email=False` (written by `emails_paused()`)
    notifies on the site only, whichever process runs this.
    """
    with transaction.atomic(), nullcontext() if email else emails_paused():
        post = (
            Post.objects.select_for_update(of=("self",))
            .select_related("topic__category__parent", "reply_to")
            .filter(pk=post_id)
            .first()
        )
        if post is None or not _is_visible(post):
            return 0
        topic = post.topic
        if topic.is_deleted or topic.awaiting_approval:
            return 0
        wanted = _post_recipients(post, EDIT_KINDS if edit else POST_KINDS)
        already = set(
            Notification.objects.filter(
                post=post, kind__in=POST_KINDS, user_id__in=wanted
            ).values_list("user_id", flat=True)
        )
        created = _create_many(
            [
                Notification(
                    user_id=user_id,
                    kind=kind,
                    actor_id=post.author_id,
                    topic=topic,
                    post=post,
                )
                for user_id, kind in wanted.items()
                if user_id not in already
            ]
        )
    return len(created)


def _post_recipients(post: Post, kinds) -> dict[int, str]:
    """{member id: kind} for everyone the post concerns, at most one kind each."""
    topic = post.topic
    candidates: dict[str, set[int]] = {kind: set() for kind in kinds}
    if Kind.REPLY in kinds and post.reply_to is not None:
        if post.reply_to.author_id and not post.reply_to.is_deleted:
            candidates[Kind.REPLY].add(post.reply_to.author_id)
    if Kind.QUOTE in kinds:
        candidates[Kind.QUOTE] = quoted_user_ids(post.raw)
    if Kind.MENTION in kinds:
        candidates[Kind.MENTION] = set(
            Mention.objects.filter(post=post).values_list("user_id", flat=True)
        )
    if Kind.POSTED in kinds or Kind.NEW_TOPIC in kinds:
        watching = set(
            TopicWatch.objects.filter(topic=topic, level=Level.WATCHING).values_list(
                "user_id", flat=True
            )
        ) | set(
            CategoryWatch.objects.filter(
                category_id__in=selectors.watched_categories(topic),
                level=Level.WATCHING,
            ).values_list("user_id", flat=True)
        )
        watch_kind = Kind.NEW_TOPIC if post.is_first else Kind.POSTED
        candidates[watch_kind] = watching
        candidates.pop(Kind.POSTED if post.is_first else Kind.NEW_TOPIC, None)

    everyone = set().union(*candidates.values()) - {post.author_id, None}
    if not everyone:
        return {}
    levels = selectors.effective_levels(topic, everyone)
    User = get_user_model()
    readers = {
        user.pk
        for user in User.objects.filter(pk__in=everyone, is_active=True)
        if permissions.can_see_topic(user, topic)
    }
    recipients: dict[int, str] = {}
    for kind in POST_KINDS:
        for user_id in candidates.get(kind, ()):
            if user_id not in readers or user_id in recipients:
                continue
            level = levels[user_id]
            if level == Level.MUTED:
                continue
            if kind in (Kind.POSTED, Kind.NEW_TOPIC) and level != Level.WATCHING:
                continue
            recipients[user_id] = kind
    return recipients


def _create_many(notifications: list[Notification]) -> list[Notification]:
    if not notifications:
        return []
    created = Notification.objects.bulk_create(notifications)
    _announce(created)
    return created


def _create(**fields) -> Notification:
    notification = Notification.objects.create(**fields)
    _announce([notification])
    return notification


def _announce(created: list[Notification]) -> None:
    """What follows new notifications: their e-mails, written as outbox jobs in
    the same transaction (sent FORUM_NOTIFICATION_EMAIL_DELAY later, if still
    unread then), and the bell's count."""
    if not _emails_paused.get():
        outbox.enqueue_many(
            "forum.send_notification_email",
            [[n.pk] for n in created if n.kind in EMAIL_KINDS],
            delay=conf.FORUM_NOTIFICATION_EMAIL_DELAY,
        )
    forget_unread_count(*{n.user_id for n in created})


def _should_hear(user, topic: Topic | None) -> bool:
    """An active member who can see the topic and has not muted it."""
    if user is None or not user.is_active:
        return False
    if topic is None:
        return True
    if not permissions.can_see_topic(user, topic):
        return False
    return selectors.effective_levels(topic, [user.pk])[user.pk] != Level.MUTED


# Likes, solutions, moderation ---------------------------------------------------


def _person(user) -> dict:
    return {"id": user.pk, "username": user.get_username(), "name": display_name(user)}


def _group_like(*, recipient, actor, liked: bool, kind: str, target: dict) -> None:
    """Keep one unread like notification per member and post (or comment).

    A like joins the unread group (newest first, moved to now) or, when the
    last group was already read, starts a new one, as Discourse does. Taking a
    like back removes the member from the unread group, and an empty group goes.
    """
    group = (
        Notification.objects.select_for_update()
        .filter(user=recipient, kind=kind, read_at__isnull=True, **target)
        .order_by("-created_at", "-pk")
        .first()
    )
    likers = [p for p in (group.data.get("likers", []) if group else []) if p]
    others = [person for person in likers if person["id"] != actor.pk]
    if liked:
        likers = [_person(actor), *others]
        data = {"likers": likers, "count": len(likers)}
        if group is None:
            _create(user=recipient, kind=kind, actor=actor, data=data, **target)
        else:
            group.data, group.actor, group.created_at = data, actor, timezone.now()
            group.save(update_fields=["data", "actor", "created_at"])
        return
    if group is None or len(others) == len(likers):
        return
    if not others:
        group.delete()
        forget_unread_count(recipient.pk)
        return
    group.data = {"likers": others, "count": len(others)}
    group.actor_id = others[0]["id"]
    group.save(update_fields=["data", "actor"])


@transaction.atomic
def post_like_changed(*, post: Post, actor, liked: bool) -> None:
    author = post.author
    if author is None or author.pk == actor.pk:
        return
    if liked and not _should_hear(author, post.topic):
        return
    _group_like(
        recipient=author,
        actor=actor,
        liked=liked,
        kind=Kind.LIKE,
        target={"post": post, "topic": post.topic},
    )


@transaction.atomic
def comment_like_changed(*, comment, actor, liked: bool) -> None:
    author = comment.user
    if author is None or author.pk == actor.pk or (liked and not author.is_active):
        return
    _group_like(
        recipient=author,
        actor=actor,
        liked=liked,
        kind=Kind.COMMENT_LIKE,
        target={"comment": comment},
    )


def solution_accepted(*, post: Post, actor) -> None:
    author = post.author
    if author is None or author.pk == actor.pk or not _should_hear(author, post.topic):
        return
    already = Notification.objects.filter(
        user=author, kind=Kind.SOLUTION, post=post, read_at__isnull=True
    ).exists()
    if not already:
        _create(
            user=author, kind=Kind.SOLUTION, actor=actor, topic=post.topic, post=post
        )


def moderation_outcome(
    *, user, outcome: str, actor, post=None, comment=None, reason: str = ""
) -> Notification:
    """Tell a member what a moderator decided about their post, comment or account."""
    if outcome not in MODERATION_OUTCOMES:
        raise ValueError(f"unknown moderation outcome {outcome!r}")
    return _create(
        user=user,
        kind=Kind.MODERATION,
        actor=actor,
        post=post,
        topic=post.topic if post is not None else None,
        comment=comment,
        data={"outcome": outcome, "reason": reason or ""},
    )


# Comments -----------------------------------------------------------------------


def comment_posted(comment) -> None:
    """A public reply to someone else's comment tells that comment's author.

    Moderation calls this again when it approves a held comment; a second call
    for the same comment adds nothing.
    """
    if not comment.is_public or comment.is_removed:
        return
    if not comment.parent_id or comment.parent_id == comment.pk:
        return
    parent = (
        XtdComment.norel_objects.select_related("user")
        .filter(pk=comment.parent_id)
        .first()
    )
    if parent is None or parent.user is None or not parent.user.is_active:
        return
    if parent.user_id == comment.user_id:
        return
    with transaction.atomic():
        exists = Notification.objects.filter(
            user=parent.user, kind=Kind.COMMENT_REPLY, comment=comment
        ).exists()
        if not exists:
            _create(
                user=parent.user,
                kind=Kind.COMMENT_REPLY,
                actor_id=comment.user_id,
                comment=comment,
            )


def page_news(*, kind: str, pages: dict[int, object], data: dict) -> int:
    """Tell members about a CMS page: a seminar's new dates or materials
    (Kind.SEMINAR_DATES, SEMINAR_MATERIALS), their post made a practice
    (Kind.PRACTICE). `pages` maps each member's id to the page in their
    language. The CMS calls this; the bell and the e-mail say it in each
    member's language."""
    users = {
        user.pk: user
        for user in get_user_model().objects.filter(pk__in=pages, is_active=True)
    }
    created = _create_many(
        [
            Notification(user=users[user_id], kind=kind, page=page, data=data)
            for user_id, page in pages.items()
            if user_id in users
        ]
    )
    return len(created)


def comment_confirmed(sender, comment, request=None, **kwargs):
    """django-comments-xtd's confirmation_received, sent once it saved the comment.

    xtd creates the comment itself (from the signal comment_was_posted) and
    hands the new row over as `xtd_comment`; a comment held for moderation is
    not public yet, and comment_posted leaves it alone.
    """
    new_comment = getattr(comment, "xtd_comment", None)
    if new_comment is not None:
        comment_posted(new_comment)


# Reading ------------------------------------------------------------------------


def forget_unread_count(*user_ids: int) -> None:
    """Drop the cached counts now and again at commit, so that no request caches
    a count read between the change and its commit."""
    keys = [selectors.unread_key(pk) for pk in user_ids]
    cache.delete_many(keys)
    for key in keys:
        pagecache.forget_remembered(key)
    transaction.on_commit(lambda: cache.delete_many(keys))
    pagecache.members_changed(*user_ids)  # the bell on each of their pages


def notification_mark_read(*, actor, notification: Notification) -> Notification:
    if not permissions.is_member(actor) or notification.user_id != actor.pk:
        raise PermissionDenied
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
        forget_unread_count(actor.pk)
    return notification


def notifications_mark_all_read(*, actor) -> int:
    if not permissions.is_member(actor):
        raise PermissionDenied
    marked = Notification.objects.filter(user=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    forget_unread_count(actor.pk)
    return marked


def topic_read(*, user, topic: Topic, post_number: int) -> None:
    """Reading a topic up to `post_number` reads what pointed at those posts.

    One UPDATE, and none at all while the bell (cached) says nothing is unread.
    """
    if not permissions.is_member(user) or not selectors.unread_count(user):
        return
    marked = Notification.objects.filter(
        user=user,
        topic=topic,
        read_at__isnull=True,
        post__number__lte=post_number,
    ).update(read_at=timezone.now())
    if marked:
        forget_unread_count(user.pk)
