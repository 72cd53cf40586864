"""Trust levels, as in Discourse: what a member may do grows with what they have done.

0 new, 1 basic, 2 member, 3 regular. Staff and moderators count as regulars
(forum.permissions.trust_level). A periodic task, `update_trust_levels`, works
each member's level out from their activity against
conf.FORUM_TRUST_REQUIREMENTS; staff may set and lock a level by hand
(`trust_level_set`, the "Members" page of the Wagtail admin).

The level gates what a post or a comment may contain (`check_post`: links,
images, @mentions, from conf.FORUM_TRUST_LIMITS), how often a member may
act (forum/members/ratelimit.py), whether they may upload (permissions.can_upload) and
whether their first posts wait for a moderator (`needs_approval`).
"""

import logging
import re
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_comments.models import CommentFlag
from django_comments_xtd.models import LIKEDIT_FLAG, XtdComment

from forum import permissions
from forum.conf import conf
from forum.core import audit, links
from forum.core.markdown import Text, _md, prepare
from forum.models import (
    AuditEntry,
    Flag,
    Post,
    PostLike,
    Profile,
    ReviewItem,
    Suspension,
    TopicReadState,
    TrustLevel,
    UserVisit,
)

logger = logging.getLogger(__name__)

AUDIT_ACTION = "trust_level"


# What a post may contain ---------------------------------------------------------

# A bare address in running text. The renderer leaves it as text, but readers
# (and mail clients) still follow it, so the link gate counts it too. It is only
# looked for in text tokens outside links and code, never in the raw Markdown.
BARE_URL = re.compile(r"(?<![\w@/])(?:https?://|www\.)[^\s<>\"'()]+", re.IGNORECASE)


@dataclass
class Content:
    links: int = 0
    images: int = 0
    mentions: set[str] = field(default_factory=set)


# What browsers drop from a URL or read as a slash before they resolve it
# (WHATWG URL standard): leading and trailing spaces and control characters, tabs
# and newlines anywhere, and a backslash in an http(s) URL.
_URL_EDGES = "".join(map(chr, range(0x21)))
_URL_DROPPED = str.maketrans("", "", "\t\n\r")


def _as_browsers_read(href: str) -> str:
    href = href.strip(_URL_EDGES).translate(_URL_DROPPED)
    # markdown-it writes a backslash as %5C; some servers and proxies decode
    # it again, so it counts as the slash a browser would make of it.
    return re.sub(r"%5c", "/", href, flags=re.IGNORECASE).replace("\\", "/")


def _is_external(href: str, site_hosts: set[str]) -> bool:
    """Links elsewhere count; relative links and links to this site do not
    (a quote credits its source with a relative link).

    A protocol-relative link (`//evil.example/`) goes to another site as
    surely as an https one, and so do `/\\evil.example` and `\\/evil.example`,
    which browsers read as `//evil.example`.
    """
    href = _as_browsers_read(href)
    try:
        parts = urlsplit(href)
    except ValueError:  # a broken host ("//[x"): it goes nowhere here either
        return True
    if parts.scheme in ("http", "https") or (not parts.scheme and parts.netloc):
        return (parts.hostname or "").lower() not in site_hosts
    return parts.scheme == "" and href.lower().startswith("www.")


def inspect(raw: str, usernames: dict[str, str]) -> Content:
    """Count links, images and mentions the way the renderer sees the text.

    The tokens come from the same markdown-it parser that renders posts, so a
    link in a code span, an escaped bracket or a `javascript:` address the
    renderer refuses does not count, and an @name counts only when it names
    an existing member (the renderer links only those: `usernames`, as
    `markdown.prepare` looked them up).
    """
    content = Content()
    hosts = links.own_hosts()
    for block in _md.parse(raw, {"usernames": usernames}):
        depth = 0
        for token in block.children or ():
            if token.type == "link_open":
                depth += 1
                if token.attrs.get("class") == "mention":
                    content.mentions.add(str(token.attrs.get("href", "")).lower())
                elif _is_external(str(token.attrs.get("href", "")), hosts):
                    content.links += 1
            elif token.type == "link_close":
                depth = max(depth - 1, 0)
            elif token.type == "image":
                content.images += 1
            elif token.type == "text" and depth == 0:
                content.links += len(BARE_URL.findall(token.content))
    return content


def limits_for(user) -> dict:
    return conf.FORUM_TRUST_LIMITS[permissions.trust_level(user)]


def check_post(actor, text: "str | Text") -> None:
    """Refuse a post or a comment with more than the author's level allows.

    `text` is the raw text (comments) or a write's prepared Text (posts), whose
    mentions are then not looked up again. Raises ValidationError({"raw":
    message}); the composer shows the message under the text, which stays as
    typed.
    """
    if permissions.is_global_moderator(actor):
        return
    limits = limits_for(actor)
    if not isinstance(text, Text):
        text = prepare(text or "")
    content = inspect(text.raw, text.usernames)
    level = permissions.trust_level(actor)
    errors = []
    max_links = limits["links"]
    if max_links is not None and content.links > max_links:
        if max_links == 0:
            errors.append(
                ngettext(
                    "New members can't post links yet. Remove the %(count)d link, or "
                    "wait until you have been around a little longer.",
                    "New members can't post links yet. Remove the %(count)d links, "
                    "or wait until you have been around a little longer.",
                    content.links,
                )
                % {"count": content.links}
            )
        else:
            errors.append(
                _(
                    "At your trust level a post can have at most %(max)d links; "
                    "this one has %(count)d. Remove some of them."
                )
                % {"max": max_links, "count": content.links}
            )
    if content.images and not limits["images"]:
        errors.append(
            ngettext(
                "New members can't post images yet. Remove the %(count)d image, or "
                "wait until you have been around a little longer.",
                "New members can't post images yet. Remove the %(count)d images, "
                "or wait until you have been around a little longer.",
                content.images,
            )
            % {"count": content.images}
        )
    max_mentions = limits["mentions"]
    if max_mentions is not None and len(content.mentions) > max_mentions:
        message = (
            _("New members can mention at most %(max)d people in a post")
            if level == TrustLevel.NEW
            else _("At your trust level a post can mention at most %(max)d people")
        )
        errors.append(
            _("%(limit)s; this one mentions %(count)d. Remove some of the @names.")
            % {
                "limit": message % {"max": max_mentions},
                "count": len(content.mentions),
            }
        )
    if errors:
        raise ValidationError({"raw": errors})


def needs_approval(actor) -> bool:
    """Whether a new post or comment by `actor` waits for a moderator.

    A level-0 member's first FORUM_HOLD_FIRST_POSTS posts and public comments
    together are held; once that many have been approved, they post freely.
    Moderators and staff never wait.
    """
    if not permissions.is_member(actor):
        return False
    # Global moderators and staff count as regulars (permissions.trust_level);
    # a category's moderators never wait either (asked last: a query).
    if permissions.trust_level(actor) > TrustLevel.NEW:
        return False
    if permissions.moderated_category_ids(actor):
        return False
    needed = conf.FORUM_HOLD_FIRST_POSTS
    if needed <= 0:
        return False
    approved = Post.objects.filter(
        author=actor, awaiting_approval=False, hidden_at__isnull=True
    )[:needed].count()
    if approved >= needed:
        return False
    comments = XtdComment.objects.filter(user=actor, is_public=True, is_removed=False)[
        : needed - approved
    ].count()
    return approved + comments < needed


# Setting a level by hand --------------------------------------------------------


@transaction.atomic
def trust_level_set(
    *, actor, user, level: int, lock: bool, reason: str = ""
) -> Profile:
    """Staff set a member's level, and lock it so the periodic task keeps it."""
    if not permissions.can_lock_trust_level(actor):
        raise PermissionDenied
    if level not in TrustLevel.values:
        raise ValidationError({"trust_level": _("Choose a trust level from 0 to 3.")})
    profile, _created = Profile.objects.select_for_update().get_or_create(user=user)
    old, old_lock = profile.trust_level, profile.trust_level_locked
    profile.trust_level, profile.trust_level_locked = level, lock
    profile.save(update_fields=["trust_level", "trust_level_locked"])
    permissions.forget(user)
    audit.record(
        actor=actor,
        action=AUDIT_ACTION,
        target=user,
        reason=reason,
        old=old,
        new=level,
        locked=lock,
        was_locked=old_lock,
    )
    return profile


def start_invited_member(user) -> None:
    """An invited member starts at FORUM_INVITEE_TRUST_LEVEL (Discourse's
    default_invitee_trust_level): someone vouched for them."""
    raise_trust_level(user, conf.FORUM_INVITEE_TRUST_LEVEL)


def raise_trust_level(user, level: int) -> None:
    """At least `level`, never lower than the member already is."""
    profile, _created = Profile.objects.get_or_create(user=user)
    if profile.trust_level < level:
        profile.trust_level = level
        profile.save(update_fields=["trust_level"])
        permissions.forget(user)


# The periodic recalculation -----------------------------------------------------


@dataclass
class Activity:
    """What one member has done: all-time totals and counts in the recent period."""

    days_visited: int = 0
    topics_entered: int = 0
    posts_read: int = 0
    likes_given: int = 0
    likes_received: int = 0
    replies: int = 0
    flags_upheld: int = 0
    recent: dict = field(default_factory=dict)
    suspended_recently: bool = False

    def value(self, name: str, recent: bool) -> int:
        if recent:
            return self.recent.get(name, 0)
        return getattr(self, name)


def _period_days() -> int:
    return conf.FORUM_TRUST_REQUIREMENTS[TrustLevel.REGULAR].get("period_days", 100)


def _grouped(queryset, key: str, since_field: str, since, **extra) -> dict:
    """{user id: {"total": n, "recent": m, ...}} from one GROUP BY query."""
    rows = (
        queryset.values(key)
        .order_by()
        .annotate(
            total=Count("pk"),
            recent=Count("pk", filter=Q(**{f"{since_field}__gte": since})),
            **extra,
        )
    )
    return {row[key]: row for row in rows if row[key] is not None}


def member_activity() -> dict[int, Activity]:
    """Every member's activity, in a fixed number of aggregate queries."""
    now = timezone.now()
    period = timedelta(days=_period_days())
    since = now - period
    since_day = timezone.localdate(now) - period

    visits = _grouped(UserVisit.objects, "user", "day", since_day)
    reads = _grouped(
        TopicReadState.objects,
        "user",
        "last_visited_at",
        since,
        posts=Coalesce(Sum("last_read_post_number"), 0),
        recent_posts=Coalesce(
            Sum("last_read_post_number", filter=Q(last_visited_at__gte=since)), 0
        ),
    )
    likes_given = _grouped(PostLike.objects, "user", "created_at", since)
    comment_likes = CommentFlag.objects.filter(flag=LIKEDIT_FLAG)
    comment_likes_given = _grouped(comment_likes, "user", "flag_date", since)
    likes_received = _grouped(PostLike.objects, "post__author", "created_at", since)
    comment_likes_received = _grouped(
        comment_likes, "comment__user", "flag_date", since
    )
    replies = _grouped(
        Post.objects.counted().filter(number__gt=1),
        "author",
        "created_at",
        since,
    )
    comments = _grouped(
        XtdComment.objects.filter(is_public=True, is_removed=False),
        "user",
        "submit_date",
        since,
    )
    upheld = Flag.objects.filter(
        review__status__in=[ReviewItem.Status.HIDDEN, ReviewItem.Status.DELETED]
    ).annotate(target_user=Coalesce("post__author", "comment__user"))
    flags = _grouped(upheld, "target_user", "review__resolved_at", since)
    suspended = set(
        Suspension.objects.filter(starts_at__lte=now, ends_at__gte=since).values_list(
            "user", flat=True
        )
    )

    activity: dict[int, Activity] = {}

    def add(source: dict, name: str, total_key="total", recent_key="recent"):
        for user_id, row in source.items():
            member = activity.setdefault(user_id, Activity())
            setattr(member, name, getattr(member, name) + row[total_key])
            member.recent[name] = member.recent.get(name, 0) + row[recent_key]

    add(visits, "days_visited")
    add(reads, "topics_entered")
    add(reads, "posts_read", "posts", "recent_posts")
    add(likes_given, "likes_given")
    add(comment_likes_given, "likes_given")
    add(likes_received, "likes_received")
    add(comment_likes_received, "likes_received")
    add(replies, "replies")
    add(comments, "replies")
    add(flags, "flags_upheld")
    for user_id in suspended:
        activity.setdefault(user_id, Activity()).suspended_recently = True
    return activity


def meets(level: int, activity: Activity) -> bool:
    requirements = conf.FORUM_TRUST_REQUIREMENTS[level]
    recent = "period_days" in requirements
    for name, needed in requirements.items():
        if name == "period_days":
            continue
        if name == "max_flags_upheld":
            if activity.value("flags_upheld", recent) > needed:
                return False
        elif activity.value(name, recent) < needed:
            return False
    return not (recent and activity.suspended_recently)


def earned_level(activity: Activity) -> int:
    """The highest level whose requirements, and those of every level below, hold."""
    earned = TrustLevel.NEW
    for level in (TrustLevel.BASIC, TrustLevel.MEMBER, TrustLevel.REGULAR):
        if not meets(level, activity):
            break
        earned = level
    return earned


def next_level(current: int, earned: int) -> int:
    """Levels 1 and 2 are kept once reached; level 3 only while it is earned."""
    if earned > current:
        return earned
    if current == TrustLevel.REGULAR and earned < TrustLevel.REGULAR:
        return TrustLevel.MEMBER
    return current


@dataclass
class TrustRun:
    promoted: int = 0
    demoted: int = 0


@transaction.atomic
def recalculate_trust_levels() -> TrustRun:
    """Work out every unlocked member's level and save the ones that change.

    A fixed number of queries however many members there are: one for the
    members, the aggregates of member_activity(), and three bulk writes.
    Staff are left out: they count as regulars whatever their row says.
    """
    User = get_user_model()
    members = User.objects.filter(is_active=True, is_staff=False).values(
        "pk",
        label=F(User.USERNAME_FIELD),
        profile_id=F("profile__id"),
        level=F("profile__trust_level"),
        locked=F("profile__trust_level_locked"),
    )
    activity = member_activity()
    empty = Activity()
    run = TrustRun()
    changed, created, entries = [], [], []
    now = timezone.now()
    for member in members:
        if member["locked"]:
            continue
        current = member["level"] or TrustLevel.NEW
        new = next_level(current, earned_level(activity.get(member["pk"], empty)))
        if new == current:
            continue
        if new > current:
            run.promoted += 1
        else:
            run.demoted += 1
        if member["profile_id"] is None:
            created.append(Profile(user_id=member["pk"], trust_level=new))
        else:
            changed.append(Profile(pk=member["profile_id"], trust_level=new))
        # The rows forum.core.audit.record() would write, in one bulk insert.
        entries.append(
            AuditEntry(
                actor=None,
                action=AUDIT_ACTION,
                target_type=User._meta.label_lower,
                target_id=str(member["pk"]),
                target_label=member["label"][:255],
                data={"old": current, "new": new},
                created_at=now,
            )
        )
    if changed:
        Profile.objects.bulk_update(changed, ["trust_level"])
    if created:
        Profile.objects.bulk_create(created, ignore_conflicts=True)
    if entries:
        AuditEntry.objects.bulk_create(entries)
    # bulk_update and bulk_create send no signal: drop the cached facts here.
    permissions.drop_facts(int(entry.target_id) for entry in entries)
    logger.info("trust levels: %d promoted, %d demoted", run.promoted, run.demoted)
    return run
