"""E-mail: notifications a member has not read on the site, digests, preferences.

A notification's e-mail waits FORUM_NOTIFICATION_EMAIL_DELAY seconds, so that a
member who is on the site reads it there and gets no e-mail; when the job runs
it looks again (read, preferences, what the member may still see) and sends at
most once. Digests go out from celery beat: `send_digests(frequency)` writes
one `forum.send_digest` job per member.

Every e-mail is an outbox job (outbox/), so it runs at least once whatever
happens to the broker or a worker, and the mail server may refuse it for as
long as it likes: the job is tried again with a back-off.

At most one e-mail per job: every message goes through
forum.core.delivery.send_once under a key of what it is about
("notification:42", "digest:daily:2026-11-25:7"); that module says how.

Members without a Profile get the model's defaults: e-mail notifications on,
the weekly digest, e-mails in the site's default language (Kazakh).

Unsubscribe links carry a signed token (salt "forum.unsubscribe") naming the
member and what to stop; it works without logging in, also for suspended
members, because it is the recipient's own address book hygiene, not a write
to the forum.
"""

import html
import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.module_loading import import_string
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from forum import permissions
from forum.conf import conf
from forum.core import delivery, links
from forum.core.languages import LANGUAGE_CODES
from forum.members.display import display_name, profile_of
from forum.models import (
    CategoryWatch,
    DigestFrequency,
    DigestRun,
    EmailDelivery,
    Notification,
    NotificationLevel,
    Post,
    PostLike,
    Profile,
    Topic,
    TopicReadState,
    TopicWatch,
)
from forum.notifications import services as notifications
from forum.notifications import texts as notification_texts
from outbox import services as outbox

logger = logging.getLogger(__name__)

Kind = Notification.Kind

EMAIL_KINDS = notifications.EMAIL_KINDS

# Kinds that point at someone else's new post: reading that post on the site
# reads the notification. (A solution or a moderator's decision points at the
# member's own post, which they have always "read".)
ABOUT_OTHERS_POSTS = frozenset(
    {Kind.REPLY, Kind.QUOTE, Kind.MENTION, Kind.POSTED, Kind.NEW_TOPIC}
)

EXCERPT_CHARS = 300
DIGEST_TOPICS = 10
DIGEST_DAYS = {DigestFrequency.DAILY: 1, DigestFrequency.WEEKLY: 7}

UNSUBSCRIBE_SALT = "forum.unsubscribe"
NOTIFICATIONS = "notifications"
DIGEST = "digest"
UNSUBSCRIBE_WHAT = (NOTIFICATIONS, DIGEST)

# What is left of a tag after the text was unescaped: an excerpt is a preview, and
# "<script>" typed into a post is noise in it even as plain text.
TAG_LIKE = re.compile(r"</?[A-Za-z][^<>]*>")


# Links and language ------------------------------------------------------------


def language_of(user) -> str:
    """The language the member reads e-mails in."""
    profile = profile_of(user)
    language = profile.language if profile is not None else ""
    return language if language in LANGUAGE_CODES else settings.LANGUAGE_CODE[:2]


def wants_notification_emails(user) -> bool:
    profile = profile_of(user)
    return profile.email_notifications if profile is not None else True


def digest_frequency(user) -> str:
    profile = profile_of(user)
    return profile.digest if profile is not None else DigestFrequency.WEEKLY


def plain_excerpt(cooked: str, chars: int = EXCERPT_CHARS) -> str:
    """A post's sanitised HTML as one line of plain text, without any tag."""
    text = html.unescape(strip_tags(cooked or ""))
    text = TAG_LIKE.sub("", text)
    return Truncator(" ".join(text.split())).chars(chars)


# Unsubscribe tokens -------------------------------------------------------------


class InvalidUnsubscribeToken(Exception):
    pass


def unsubscribe_token(user, what: str) -> str:
    if what not in UNSUBSCRIBE_WHAT:
        raise ValueError(what)
    return signing.dumps({"u": user.pk, "w": what}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_target(token: str):
    """The member and what the token stops; raises InvalidUnsubscribeToken."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature as error:
        raise InvalidUnsubscribeToken from error
    if not isinstance(data, dict) or data.get("w") not in UNSUBSCRIBE_WHAT:
        raise InvalidUnsubscribeToken
    user_id = data.get("u")
    if not isinstance(user_id, int):
        raise InvalidUnsubscribeToken
    user = get_user_model().objects.select_related("profile").filter(pk=user_id).first()
    if user is None:
        raise InvalidUnsubscribeToken
    return user, data["w"]


def unsubscribe_url(user, what: str, language: str) -> str:
    with translation.override(language):
        path = reverse("forum:unsubscribe", args=[unsubscribe_token(user, what)])
    return links.absolute(path)


def preferences_url(language: str) -> str:
    with translation.override(language):
        return links.absolute(reverse("forum:preferences"))


# Preferences (writes) -----------------------------------------------------------


def _locked_profile(user) -> Profile:
    profile, _created = Profile.objects.select_for_update().get_or_create(user=user)
    return profile


@transaction.atomic
def preferences_update(
    *, actor, user, email_notifications: bool, digest: str, language: str
) -> Profile:
    """A member changes their own e-mail preferences (suspended ones may not)."""
    if not permissions.can_edit_profile(actor, user):
        raise PermissionDenied
    if digest not in DigestFrequency.values or language not in LANGUAGE_CODES:
        raise ValueError("unknown digest frequency or language")
    profile = _locked_profile(user)
    profile.email_notifications = email_notifications
    profile.digest = digest
    profile.language = language
    profile.save(update_fields=["email_notifications", "digest", "language"])
    return profile


@transaction.atomic
def subscription_stop(*, user, what: str) -> str:
    """Switch off `what` for the holder of a signed link; returns what it was.

    No permission check beyond the link's signature: the link is how a recipient
    stops mail, logged in or not, suspended or not.
    """
    profile = _locked_profile(user)
    if what == NOTIFICATIONS:
        previous = "on" if profile.email_notifications else "off"
        profile.email_notifications = False
        profile.save(update_fields=["email_notifications"])
    else:
        previous = profile.digest
        profile.digest = DigestFrequency.NEVER
        profile.save(update_fields=["digest"])
    logger.info("Unsubscribed member %s from %s e-mails", user.pk, what)
    return previous


@transaction.atomic
def subscription_restore(*, user, what: str, previous: str = "") -> Profile:
    """Undo `subscription_stop`, back to `previous` (what it returned).

    An unknown `previous` (a hand-made form) switches it on: notifications on,
    the weekly digest.
    """
    profile = _locked_profile(user)
    if what == NOTIFICATIONS:
        profile.email_notifications = previous != "off"
        profile.save(update_fields=["email_notifications"])
    else:
        if previous not in DigestFrequency.values:
            previous = DigestFrequency.WEEKLY
        profile.digest = previous
        profile.save(update_fields=["digest"])
    logger.info("Member %s undid unsubscribing from %s e-mails", user.pk, what)
    return profile


# Sending once -------------------------------------------------------------------


def _message(user, template: str, context: dict) -> EmailMultiAlternatives:
    """The e-mail from forum/email/<template>_body.{txt,html}, rendered in the
    active language; `context` holds its "subject" and "unsubscribe_url"."""
    message = EmailMultiAlternatives(
        " ".join(context["subject"].split()),
        render_to_string(f"forum/email/{template}_body.txt", context),
        to=[user.email],
        headers={
            # RFC 2369 and RFC 8058: mail clients offer their own unsubscribe
            # button, which POSTs to the link without a login.
            "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(
        render_to_string(f"forum/email/{template}_body.html", context), "text/html"
    )
    return message


def _site_name() -> str:
    return str(settings.WAGTAIL_SITE_NAME)


# Notification e-mails ------------------------------------------------------------


def notification_email_deliver(notification_id: int) -> str:
    """Send the e-mail for a notification if it is still worth one.

    Returns what happened ("sent", or why not), for logs and tests.
    """
    notification = (
        Notification.objects.select_related(
            "user",
            "user__profile",
            "actor",
            "actor__profile",
            "topic",
            "topic__category",
            "topic__category__parent",
            "post",
            "comment",
            "page",
        )
        .filter(pk=notification_id)
        .first()
    )
    if notification is None:
        return "gone"
    user = notification.user
    if not (user.is_active and user.email):
        return "no address"
    if not wants_notification_emails(user):
        return "switched off"
    if notification.kind not in EMAIL_KINDS:
        return "not e-mailed"
    if notification.read_at is not None:
        return "read"
    skip = _unworthy(notification)
    if skip:
        return skip
    sent = delivery.send_once(
        f"notification:{notification.pk}",
        user,
        lambda: _notification_message(notification),
    )
    if not sent:
        return "already sent"
    logger.info("Notification %s e-mailed to member %s", notification.pk, user.pk)
    return "sent"


def _unworthy(notification: Notification) -> str:
    """Why the thing the notification points at needs no e-mail, or ""."""
    user, post, topic = notification.user, notification.post, notification.topic
    if post is not None:
        if topic is None or topic.pk != post.topic_id:
            topic = Topic.objects.select_related("category", "category__parent").get(
                pk=post.topic_id
            )
            notification.topic = topic
        post.topic = topic
        read_up_to = None
        if notification.kind in ABOUT_OTHERS_POSTS:
            read_up_to = (
                TopicReadState.objects.filter(user=user, topic_id=topic.pk)
                .values_list("last_read_post_number", flat=True)
                .first()
            )
        if read_up_to is not None and post.number <= read_up_to:
            # Read on the site in the meantime: the bell should not show it either.
            Notification.objects.filter(
                pk=notification.pk, read_at__isnull=True
            ).update(read_at=timezone.now())
            return "read on the site"
        if notification.kind != Kind.MODERATION and (
            post.is_deleted
            or not permissions.can_see_topic(user, topic)
            or not permissions.can_read_post(user, post)
        ):
            return "not visible"
    elif topic is not None and notification.kind != Kind.MODERATION:
        if not permissions.can_see_topic(user, topic):
            return "not visible"
    comment = notification.comment
    if comment is not None and notification.kind != Kind.MODERATION:
        if comment.is_removed or not comment.is_public:
            return "not visible"
    page = notification.page
    if page is not None and not page.live:
        return "not visible"
    if post is None and topic is None and comment is None and page is None:
        if notification.kind != Kind.MODERATION:
            return "gone"
    return ""


_INTERESTED = gettext_lazy(
    "You are receiving this because you said you are interested in this seminar."
)
REASONS = {
    Kind.REPLY: gettext_lazy(
        "You are receiving this because someone replied to your post."
    ),
    Kind.QUOTE: gettext_lazy(
        "You are receiving this because someone quoted your post."
    ),
    Kind.MENTION: gettext_lazy("You are receiving this because someone mentioned you."),
    Kind.POSTED: gettext_lazy("You are receiving this because you watch this topic."),
    Kind.NEW_TOPIC: gettext_lazy(
        "You are receiving this because you watch this category."
    ),
    Kind.SOLUTION: gettext_lazy(
        "You are receiving this because your reply was accepted as the solution."
    ),
    Kind.MODERATION: gettext_lazy(
        "You are receiving this because a moderator decided about what you wrote."
    ),
    Kind.COMMENT_REPLY: gettext_lazy(
        "You are receiving this because someone replied to your comment."
    ),
    Kind.SEMINAR_DATES: _INTERESTED,
    Kind.SEMINAR_MATERIALS: _INTERESTED,
    Kind.PRACTICE: gettext_lazy(
        "You are receiving this because the practice credits you as an author."
    ),
}


def _notification_context(notification: Notification, language: str) -> dict:
    """What the templates show, in the active (recipient's) language.

    The sentence, the title and the link are the bell's own
    (forum/notifications/texts.py), so that the e-mail says what the site says.
    """
    user, post, comment = notification.user, notification.post, notification.comment
    sentence = notification_texts.describe(notification)
    title = notification_texts.subject(notification)
    link = notification_texts.target_url(notification)
    if not link.startswith(("http://", "https://")):
        link = links.absolute(link)
    excerpt = ""
    if post is not None and not post.is_deleted:
        if permissions.can_read_post(user, post):
            excerpt = plain_excerpt(post.cooked)
    elif comment is not None and not comment.is_removed:
        # Comments are stored as typed: drop anything shaped like a tag.
        excerpt = plain_excerpt(comment.comment)
    topic = notification.topic
    moderator_reason = ""
    if notification.kind == Kind.MODERATION:
        moderator_reason = str((notification.data or {}).get("reason", ""))
    if notification.page_id:
        excerpt = notification_texts.details(notification)
    return {
        "user": user,
        "name": display_name(user),
        "sentence": sentence,
        "title": title,
        "subject": f"{title} – {sentence}" if title else sentence,
        "category": topic.category.name if topic is not None else "",
        "excerpt": excerpt,
        "link": link,
        "moderator_reason": moderator_reason,
        "reason": REASONS.get(notification.kind, ""),
        "preferences_url": preferences_url(language),
        "unsubscribe_url": unsubscribe_url(user, NOTIFICATIONS, language),
        "site_name": _site_name(),
    }


def _notification_message(notification: Notification) -> EmailMultiAlternatives:
    user = notification.user
    language = language_of(user)
    with translation.override(language):
        context = _notification_context(notification, language)
        return _message(user, "notification", context)


# Digests ------------------------------------------------------------------------


@dataclass
class DigestItem:
    title: str
    url: str
    meta: str = ""
    summary: str = ""
    replies: int | None = None
    materials: list[str] = field(default_factory=list)
    # The language the title is in (a topic's); the template marks it with
    # `lang` where it is not the digest's.
    language: str = ""


@dataclass
class Digest:
    topics: list[DigestItem]
    seminars: list[DigestItem]
    news: list[DigestItem]

    @property
    def is_empty(self) -> bool:
        return not (self.topics or self.seminars or self.news)


def digest_period(frequency: str, period_start: date) -> tuple[datetime, datetime]:
    """From local midnight of `period_start`, one day or seven."""
    start = timezone.make_aware(datetime.combine(period_start, time.min))
    return start, start + timedelta(days=DIGEST_DAYS[frequency])


def digest_period_start(frequency: str, today: date) -> date:
    """The period that ended at local midnight before `today`'s run."""
    return today - timedelta(days=DIGEST_DAYS[frequency])


def digest_recipients(frequency: str):
    """Active members with an address who chose `frequency` (no Profile: weekly)."""
    chose = Q(profile__digest=frequency)
    if frequency == DigestFrequency.WEEKLY:
        chose |= Q(profile__isnull=True)
    return (
        get_user_model()
        .objects.filter(chose, is_active=True)
        .exclude(email="")
        .order_by("pk")
    )


def digest_topics(user, start: datetime, end: datetime, limit: int = DIGEST_TOPICS):
    """The period's most active topics `user` may see and has not muted: one query.

    Activity is the replies and likes the period brought; topics started in the
    period count even without any.
    """
    replies = (
        Post.objects.listed()
        .filter(
            topic=OuterRef("pk"),
            number__gt=1,
            created_at__gte=start,
            created_at__lt=end,
        )
        .order_by()
        .values("topic")
        .annotate(n=Count("pk"))
        .values("n")
    )
    likes = (
        PostLike.objects.filter(
            post__topic=OuterRef("pk"),
            created_at__gte=start,
            created_at__lt=end,
            post__deleted_at__isnull=True,
        )
        .order_by()
        .values("post__topic")
        .annotate(n=Count("pk"))
        .values("n")
    )
    muted_topic = TopicWatch.objects.filter(
        user=user, topic=OuterRef("pk"), level=NotificationLevel.MUTED
    )
    followed_topic = TopicWatch.objects.filter(
        user=user, topic=OuterRef("pk"), level__gt=NotificationLevel.MUTED
    )
    muted_category = CategoryWatch.objects.filter(
        Q(category=OuterRef("category")) | Q(category=OuterRef("category__parent")),
        user=user,
        level=NotificationLevel.MUTED,
    )
    return list(
        Topic.objects.listed()
        .readable_by(user)
        .filter(created_at__lt=end)
        .annotate(
            period_replies=Coalesce(Subquery(replies), 0, output_field=IntegerField()),
            period_likes=Coalesce(Subquery(likes), 0, output_field=IntegerField()),
        )
        .annotate(activity=F("period_replies") + F("period_likes"))
        .filter(Q(activity__gt=0) | Q(created_at__gte=start))
        .exclude(Exists(muted_topic))
        .exclude(Q(Exists(muted_category)) & ~Q(Exists(followed_topic)))
        .select_related("category")
        .order_by("-activity", "-bumped_at", "-pk")[:limit]
    )


def digest_build(user, frequency: str, period_start: date) -> Digest:
    """What the digest for `user` holds, in the active language: the period's
    topics, and the site's new pages from conf.FORUM_DIGEST_PAGES."""
    start, end = digest_period(frequency, period_start)
    language = translation.get_language() or settings.LANGUAGE_CODE
    topics = [
        DigestItem(
            title=topic.title,
            url=links.absolute(topic.get_absolute_url()),
            meta=topic.category.name,
            replies=topic.reply_count,
            language=topic.language,
        )
        for topic in digest_topics(user, start, end)
    ]
    pages = {"seminars": [], "news": []}
    if conf.FORUM_DIGEST_PAGES:
        pages |= import_string(conf.FORUM_DIGEST_PAGES)(start, end, language)
    return Digest(topics=topics, seminars=pages["seminars"], news=pages["news"])


def digest_key(frequency: str, period_start: date, user) -> str:
    return f"digest:{frequency}:{period_start.isoformat()}:{user.pk}"


# Digests go out from this local hour; beat asks every quarter of an hour, and
# a period missed then (the broker was down) goes out at the next chance, up
# to a day late.
DIGEST_HOUR = 7
DIGEST_CATCH_UP = timedelta(days=1)


def digest_due_period(frequency: str, now: datetime) -> date | None:
    """The period whose digest is due at `now` (aware): the day (or the week,
    from Monday) that ended before the last DIGEST_HOUR of a run day; None
    when the last run time is more than DIGEST_CATCH_UP ago."""
    local = timezone.localtime(now)
    run_day = local.date()
    if local.hour < DIGEST_HOUR:
        run_day -= timedelta(days=1)
    if frequency == DigestFrequency.WEEKLY:
        run_day -= timedelta(days=run_day.weekday())  # back to Monday
    run_at = timezone.make_aware(datetime.combine(run_day, time(DIGEST_HOUR)))
    if now - run_at >= DIGEST_CATCH_UP:
        return None
    return digest_period_start(frequency, run_day)


def send_digests(frequency: str, today: str | None = None) -> int:
    """celery beat (forum/notifications/tasks.py), every quarter of an hour:
    the digest jobs of the period
    that is due, once per period; returns how many members it queued.

    `today` (ISO date) runs the period that ended at that day's midnight by
    hand. The jobs are written in one transaction with the DigestRun that
    marks the period done and the count that logs it, so a broker outage or a
    lost worker delays digests but loses none, and a repeated run adds none.
    """
    if frequency not in DIGEST_DAYS:
        raise ValueError(frequency)
    if today:
        period_start = digest_period_start(frequency, date.fromisoformat(today))
    else:
        period_start = digest_due_period(frequency, timezone.now())
        if period_start is None:
            return 0
    period = period_start.isoformat()
    with transaction.atomic():
        run, new = DigestRun.objects.get_or_create(
            frequency=frequency, period_start=period_start
        )
        if not new:
            return 0
        user_ids = list(digest_recipients(frequency).values_list("pk", flat=True))
        DigestRun.objects.filter(pk=run.pk).update(members=len(user_ids))
        outbox.enqueue_many(
            "forum.send_digest", [[pk, frequency, period] for pk in user_ids]
        )
        # Counted once the digests have had time to go out.
        outbox.enqueue(
            "forum.log_digest_counts", frequency, period, len(user_ids), delay=15 * 60
        )
    return len(user_ids)


def digest_deliver(user_id: int, frequency: str, period_start: date) -> str:
    """Build and send one member's digest; once per member and period."""
    user = (
        get_user_model()
        .objects.select_related("profile")
        .filter(pk=user_id, is_active=True)
        .first()
    )
    if user is None or not user.email:
        return "no address"
    if digest_frequency(user) != frequency:
        return "switched off"
    key = digest_key(frequency, period_start, user)
    if delivery.already_claimed(key):  # before building it: that costs queries
        return "already sent"
    language = language_of(user)
    with translation.override(language):
        digest = digest_build(user, frequency, period_start)
    if digest.is_empty:
        logger.debug("Digest %s: nothing new", key)
        return "empty"
    sent = delivery.send_once(
        key, user, lambda: _digest_message(user, frequency, digest, language)
    )
    if not sent:
        return "already sent"
    now = timezone.now()
    if not Profile.objects.filter(user=user).update(last_digest_at=now):
        Profile.objects.get_or_create(user=user, defaults={"last_digest_at": now})
    return "sent"


def _digest_message(user, frequency, digest: Digest, language: str):
    with translation.override(language):
        site_name = _site_name()
        if frequency == DigestFrequency.DAILY:
            subject = _("Your daily digest from the %(site)s")
        else:
            subject = _("Your weekly digest from the %(site)s")
        context = {
            "user": user,
            "name": display_name(user),
            "frequency": frequency,
            "subject": subject % {"site": site_name},
            "digest": digest,
            "forum_url": links.absolute(reverse("forum:latest")),
            "preferences_url": preferences_url(language),
            "unsubscribe_url": unsubscribe_url(user, DIGEST, language),
            "site_name": site_name,
        }
        return _message(user, "digest", context)


def log_digest_counts(frequency: str, period_start: str, queued: int) -> None:
    """One line per run: how many digests went out and how many had nothing new."""
    sent = EmailDelivery.objects.filter(
        key__startswith=f"digest:{frequency}:{period_start}:", sent_at__isnull=False
    ).count()
    logger.info(
        "digest %s: %d sent, %d empty (period from %s, %d members)",
        frequency,
        sent,
        max(queued - sent, 0),
        period_start,
        queued,
    )
