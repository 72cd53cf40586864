"""Every write members make to discussions, one verb per function.

Each service checks permission itself (views ask the same module to show the
right controls), runs in one transaction, and keeps the denormalised
counters on topics and categories in step through forum/discussions/counters.py,
whose steps moderation shares. `forum_repair` recomputes the same counters
from scratch; tests/forum/test_repair.py holds the two to each other.
"""

from collections.abc import Iterable

from anyascii import anyascii
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from forum import permissions
from forum.core import languages
from forum.core.markdown import Text, prepare
from forum.discussions import counters, selectors
from forum.members import trust
from forum.models import (
    Bookmark,
    Category,
    Draft,
    Mention,
    Post,
    PostLike,
    PostRevision,
    Topic,
    TopicReadState,
)
from forum.moderation import holds
from forum.notifications import services as notifications
from search import api as search

TITLE_MIN_LENGTH = 5
TITLE_MAX_LENGTH = 200
POST_MIN_LENGTH = 2
POST_MAX_LENGTH = 32_000
MAX_TAGS = 5
TAG_MAX_LENGTH = 40


def _require(allowed: bool):
    if not allowed:
        raise PermissionDenied


def topic_slug(title: str) -> str:
    """An ASCII slug, transliterating Cyrillic titles the way Discourse does."""
    return slugify(anyascii(title))[:80].strip("-") or "topic"


def clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if len(title) < TITLE_MIN_LENGTH:
        raise ValidationError(
            {
                "title": _("The title needs at least %(n)d characters.")
                % {"n": TITLE_MIN_LENGTH}
            }
        )
    if len(title) > TITLE_MAX_LENGTH:
        raise ValidationError(
            {
                "title": _("The title can have at most %(n)d characters.")
                % {"n": TITLE_MAX_LENGTH}
            }
        )
    return title


def clean_raw(raw: str) -> str:
    raw = (raw or "").strip()
    if len(raw) < POST_MIN_LENGTH:
        raise ValidationError(
            {"raw": _("Write at least %(n)d characters.") % {"n": POST_MIN_LENGTH}}
        )
    if len(raw) > POST_MAX_LENGTH:
        raise ValidationError(
            {
                "raw": _("A post can have at most %(n)d characters.")
                % {"n": POST_MAX_LENGTH}
            }
        )
    return raw


def clean_tags(names: Iterable[str]) -> list[str]:
    tags = []
    for name in names:
        name = " ".join(name.split()).lower().lstrip("#")
        if not name or name in tags:
            continue
        if len(name) > TAG_MAX_LENGTH or not all(
            c.isalnum() or c in "-_ " for c in name
        ):
            raise ValidationError(
                {
                    "tags": _(
                        "Tags use letters, digits and hyphens, up to 40 characters."
                    )
                }
            )
        tags.append(name.replace(" ", "-"))
    if len(tags) > MAX_TAGS:
        raise ValidationError(
            {"tags": _("A topic can have at most %(n)d tags.") % {"n": MAX_TAGS}}
        )
    return tags


# Topics -------------------------------------------------------------------------


@transaction.atomic
def topic_create(
    *,
    actor,
    category: Category,
    title: str,
    raw: str,
    tags: Iterable[str] = (),
    language: str = "kk",
    seminar_key=None,
    material_id: int | None = None,
) -> Topic:
    """A new topic and its first post: the steps of post_create, and the topic.

    `seminar_key` and `material_id` say which seminar (and material) it
    discusses; the caller checked them (forum.core.references)."""
    _require(permissions.can_create_topic(actor, category))
    title, tag_names = clean_title(title), clean_tags(tags)
    text = prepare(clean_raw(raw))
    trust.check_post(actor, text)
    # A held first post holds its topic: it counts in no category or tag and
    # shows in no list until a moderator approves it (moderation/holds.py).
    held = trust.needs_approval(actor)
    now = timezone.now()
    topic = Topic.objects.create(
        category=category,
        title=title,
        slug=topic_slug(title),
        author=actor,
        language=language,
        created_at=now,
        bumped_at=now,
        awaiting_approval=held,
        seminar_key=seminar_key,
        material_id=material_id if seminar_key else None,
    )
    counters.set_tags(topic, tag_names)
    if not held:
        Category.objects.filter(pk=category.pk).update(topic_count=F("topic_count") + 1)
    post = _add_post(actor=actor, topic=topic, text=text, now=now, held=held)
    _record_mentions(post, text)
    topic_mark_read(user=actor, topic=topic, post_number=1)
    notifications.track_after_posting(user=actor, topic=topic)
    draft_discard(actor=actor, topic=None)
    if held:
        holds.post_hold(post=post)
    else:
        notifications.post_created(post)
        search.index_topic_later(topic.pk)
    topic.refresh_from_db()
    return topic


@transaction.atomic
def topic_edit(
    *,
    actor,
    topic: Topic,
    title: str | None = None,
    category: Category | None = None,
    tags: Iterable[str] | None = None,
) -> Topic:
    _require(permissions.can_edit_topic(actor, topic))
    if title is not None:
        title = clean_title(title)
        if title != topic.title:
            first = topic.posts.get(number=1)
            _save_revision(first, editor=actor, title=topic.title)
            topic.title, topic.slug = title, topic_slug(title)
    if category is not None and category.pk != topic.category_id:
        _require(permissions.can_create_topic(actor, category))
        if topic.is_counted:
            counters.move_topic(topic, topic.category, category)
        topic.category = category
    topic.save(update_fields=["title", "slug", "category"])
    if tags is not None:
        counters.set_tags(topic, clean_tags(tags))
    search.index_topic_later(topic.pk)
    return topic


@transaction.atomic
def topic_set_state(
    *,
    actor,
    topic: Topic,
    pinned: bool | None = None,
    closed: bool | None = None,
    archived: bool | None = None,
    listed: bool | None = None,
) -> Topic:
    _require(permissions.can_change_topic_state(actor, topic))
    for field, value in (
        ("is_pinned", pinned),
        ("is_closed", closed),
        ("is_archived", archived),
        ("is_visible", listed),
    ):
        if value is not None:
            setattr(topic, field, value)
    topic.save(update_fields=["is_pinned", "is_closed", "is_archived", "is_visible"])
    search.index_topic_later(topic.pk)
    return topic


# Posts --------------------------------------------------------------------------


@transaction.atomic
def post_create(*, actor, topic: Topic, raw: str, reply_to: Post | None = None) -> Post:
    """A reply, every step on one screen (Discourse's PostCreator#create)."""
    # 1. May this member reply here at all?
    _require(permissions.can_reply(actor, topic))
    # 2. The text, prepared once: cleaned, its @mentions looked up, rendered.
    text = prepare(clean_raw(raw))
    # 3. What the author's trust level allows (links, images, mentions).
    trust.check_post(actor, text)
    if reply_to is not None and (reply_to.topic_id != topic.pk or reply_to.is_deleted):
        raise ValidationError(
            {"reply_to": _("You can only reply to a post in this topic.")}
        )
    # 4. A new member's first posts wait for a moderator.
    held = trust.needs_approval(actor)
    # 5. The row, its number, and the topic's and category's counters.
    post = _add_post(actor=actor, topic=topic, text=text, reply_to=reply_to, held=held)
    # 6. The members it mentions (notified by the fan-out, step 10).
    _record_mentions(post, text)
    # 7. The author has read the topic up to their own post.
    topic_mark_read(user=actor, topic=topic, post_number=post.number)
    # 8. Replying tracks the topic, unless the member chose a level.
    notifications.track_after_posting(user=actor, topic=topic)
    # 9. The composer's draft is spent.
    draft_discard(actor=actor, topic=topic)
    if held:
        # 10a. Into the review queue; the author hears it waits.
        holds.post_hold(post=post)
    else:
        # 10b. Notifications and 11. the search index, as outbox jobs that
        # run once this transaction commits.
        notifications.post_created(post)
        counters.index_post_later(post)
    return post


def _add_post(
    *, actor, topic: Topic, text: Text, reply_to=None, now=None, held: bool = False
) -> Post:
    """Create the post and count it. A held reply takes its number but counts
    nowhere until approved (counters.publish_held), not even in the topic's
    highest post number, which drives readers' unread counts; a held first
    post counts in its own topic, which itself counts nowhere while it awaits
    approval."""
    now = now or timezone.now()
    # Lock the topic row so that concurrent replies get consecutive numbers;
    # held replies may sit past the highest number, and numbers never repeat.
    locked = (
        Topic.objects.select_for_update(of=("self",))
        .annotate(
            held_beyond=Subquery(
                Post.objects.filter(
                    topic=OuterRef("pk"),
                    number__gt=OuterRef("highest_post_number"),
                )
                .order_by("-number")
                .values("number")[:1]
            )
        )
        .get(pk=topic.pk)
    )
    number = max(locked.highest_post_number, locked.held_beyond or 0) + 1
    post = Post.objects.create(
        topic=topic,
        number=number,
        author=actor,
        raw=text.raw,
        cooked=text.cooked,
        language=_language_of(text, topic, number),
        reply_to=reply_to,
        created_at=now,
        awaiting_approval=held,
    )
    if not (held and number > 1):
        participants = [actor.pk] + [
            pk for pk in locked.participant_ids if pk != actor.pk
        ]
        Topic.objects.filter(pk=topic.pk).update(
            post_count=F("post_count") + 1,
            highest_post_number=number,
            bumped_at=now,
            last_post=post,
            last_poster=actor,
            participant_ids=participants[: counters.PARTICIPANTS_SHOWN],
        )
        if locked.is_counted:
            Category.objects.filter(pk=topic.category_id).update(
                post_count=F("post_count") + 1, last_post=post
            )
    return post


def _language_of(text: Text, topic: Topic, number: int) -> str:
    """The first post is in the language its author chose for the topic; a
    reply in the one its letters say, or else the topic's."""
    if number == 1:
        return topic.language
    return languages.detect(text.raw, fallback=topic.language)


def _record_mentions(post: Post, text: Text):
    """The members the text mentions, but its author and any who cannot see
    the topic; no query to find them (text.members)."""
    Mention.objects.bulk_create(
        [
            Mention(post=post, user=user)
            for user in text.members.values()
            if user.pk != post.author_id and permissions.can_see_topic(user, post.topic)
        ],
        ignore_conflicts=True,
    )


def _save_revision(post: Post, *, editor, title: str = "") -> PostRevision:
    number = post.revisions.count() + 1
    return PostRevision.objects.create(
        post=post, number=number, raw=post.raw, title=title, editor=editor
    )


@transaction.atomic
def post_edit(*, actor, post: Post, raw: str) -> Post:
    _require(permissions.can_edit_post(actor, post))
    text = prepare(clean_raw(raw))
    trust.check_post(actor, text)
    if text.raw == post.raw:
        return post
    _save_revision(post, editor=actor)
    post.raw = text.raw
    post.cooked = text.cooked
    post.language = _language_of(text, post.topic, post.number)
    post.edited_at = timezone.now()
    post.edit_count = F("edit_count") + 1
    post.save(update_fields=["raw", "cooked", "language", "edited_at", "edit_count"])
    post.refresh_from_db(fields=["edit_count"])
    _record_mentions(post, text)
    notifications.post_edited(post)
    counters.index_post_later(post)
    return post


@transaction.atomic
def post_delete(*, actor, post: Post) -> Post:
    """Soft delete. Deleting the first post deletes the whole topic."""
    _require(permissions.can_delete_post(actor, post))
    now = timezone.now()
    Post.objects.filter(pk=post.pk).update(deleted_at=now, deleted_by=actor)
    post.deleted_at, post.deleted_by = now, actor
    counters.visibility_changed(post, sign=-1, now=now)
    return post


@transaction.atomic
def post_restore(*, actor, post: Post) -> Post:
    _require(permissions.can_restore_post(actor, post))
    Post.objects.filter(pk=post.pk).update(deleted_at=None, deleted_by=None)
    post.deleted_at = post.deleted_by = None
    counters.visibility_changed(post, sign=+1)
    if post.awaiting_approval:
        # Deleted while it waited: it waits again, back in the queue.
        holds.post_hold(post=post, notify=False)
    return post


# Likes, bookmarks, solutions ----------------------------------------------------


@transaction.atomic
def like_toggle(*, actor, post: Post) -> bool:
    """Like the post, or take the like back. Returns whether it is now liked."""
    _require(permissions.can_like(actor, post))
    deleted, _rows = PostLike.objects.filter(post=post, user=actor).delete()
    delta = -1 if deleted else 1
    if not deleted:
        try:
            with transaction.atomic():
                PostLike.objects.create(post=post, user=actor)
        except IntegrityError:  # a concurrent request liked it first
            return True
    Post.objects.filter(pk=post.pk).update(like_count=F("like_count") + delta)
    Topic.objects.filter(pk=post.topic_id).update(like_count=F("like_count") + delta)
    post.like_count += delta
    notifications.post_like_changed(post=post, actor=actor, liked=not deleted)
    counters.index_post_later(post)
    return not deleted


@transaction.atomic
def bookmark_toggle(*, actor, post: Post) -> bool:
    _require(permissions.can_bookmark(actor, post))
    deleted, _rows = Bookmark.objects.filter(post=post, user=actor).delete()
    if not deleted:
        Bookmark.objects.get_or_create(post=post, user=actor)
    return not deleted


@transaction.atomic
def solution_accept(*, actor, post: Post) -> Topic:
    _require(permissions.can_accept_solution(actor, post))
    Topic.objects.filter(pk=post.topic_id).update(solution=post)
    post.topic.solution = post
    notifications.solution_accepted(post=post, actor=actor)
    search.index_topic_later(post.topic_id)
    return post.topic


@transaction.atomic
def solution_clear(*, actor, topic: Topic) -> Topic:
    if topic.solution is None:
        return topic
    _require(permissions.can_clear_solution(actor, topic))
    Topic.objects.filter(pk=topic.pk).update(solution=None)
    topic.solution = None
    search.index_topic_later(topic.pk)
    return topic


# Reading ------------------------------------------------------------------------


def topic_mark_read(*, user, topic: Topic, post_number: int):
    """Move the member's read marker forward to `post_number`; never back.

    A topic from selectors.topic_for_page knows the member's marker: reading
    again what they have read today writes nothing (a reload, the back button;
    issue #12), as the visit's day is all that the trust levels count of
    `last_visited_at`. What pointed at those posts is still marked read."""
    if not permissions.is_member(user):
        return
    now = timezone.now()
    if not _read_today(topic, post_number, now):
        _move_read_marker(user.pk, topic.pk, post_number, now)
        selectors.forget_counts(user)
    notifications.topic_read(user=user, topic=topic, post_number=post_number)


def _move_read_marker(user_id: int, topic_id: int, post_number: int, now) -> None:
    """The member's marker made, or moved forward (never back), with the
    visit's time: one statement that PostgreSQL and SQLite both run, where
    an UPDATE, then a get_or_create for a first read, took five round trips
    and a transaction (issue #12)."""
    quote = connection.ops.quote_name
    table = quote(TopicReadState._meta.db_table)
    greatest = "MAX" if connection.vendor == "sqlite" else "GREATEST"
    at = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (topic_id, user_id, last_read_post_number,"  # noqa: S608 - our own names
            " first_visited_at, last_visited_at) VALUES (%s, %s, %s, %s, %s)"
            " ON CONFLICT (user_id, topic_id) DO UPDATE SET"
            f" last_read_post_number = {greatest}({table}.last_read_post_number,"
            " excluded.last_read_post_number),"
            " last_visited_at = excluded.last_visited_at",
            [topic_id, user_id, post_number, at, at],
        )


def _read_today(topic: Topic, post_number: int, now) -> bool:
    """Whether the marker topic_for_page read with the topic is at
    `post_number` already, from a visit today (the marker and the visit come
    from one row: neither is there without the other)."""
    visited_at = getattr(topic, "reader_visited_at", None)
    return (
        visited_at is not None
        and topic.reader_last_read >= post_number
        and timezone.localdate(visited_at) == timezone.localdate(now)
    )


# Drafts -------------------------------------------------------------------------


def draft_save(
    *, actor, topic: Topic | None, title: str = "", raw: str = "", data=None
) -> Draft:
    _require(permissions.can_write(actor))
    if topic is not None:
        _require(permissions.can_see_topic(actor, topic))
    draft, _created = Draft.objects.update_or_create(
        user=actor,
        key=Draft.key_for(topic),
        defaults={
            "title": (title or "")[:TITLE_MAX_LENGTH],
            "raw": (raw or "")[:POST_MAX_LENGTH],
            "data": data or {},
        },
    )
    return draft


def draft_discard(*, actor, topic: Topic | None):
    Draft.objects.filter(user=actor, key=Draft.key_for(topic)).delete()
