"""The forum's data: categories, topics, posts, and what members do with them.

Counters (posts, likes, views, last post) are stored on topics and categories so
that lists cost a fixed number of queries; forum/services.py changes them with
F() expressions and `manage.py forum_repair` recomputes them from scratch.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

LANGUAGE_CHOICES = [("kk", "Қазақша"), ("ru", "Русский"), ("en", "English")]
LANGUAGE_CODES = [code for code, _name in LANGUAGE_CHOICES]


def localized(obj, field: str) -> str:
    """`obj.<field>_<active language>`, falling back through kk, ru, en."""
    language = (get_language() or settings.LANGUAGE_CODE)[:2]
    for code in [language, *LANGUAGE_CODES]:
        value = getattr(obj, f"{field}_{code}", "")
        if value:
            return value
    return ""


class CategoryQuerySet(models.QuerySet):
    def public(self):
        return self.filter(visibility=Category.Visibility.PUBLIC)


class Category(models.Model):
    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Everyone")
        MEMBERS = "members", _("Members only")

    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subcategories",
        limit_choices_to={"parent__isnull": True},
    )
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=100)
    name_ru = models.CharField(_("name (Russian)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    description_kk = models.TextField(_("description (Kazakh)"), blank=True)
    description_ru = models.TextField(_("description (Russian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    colour = models.CharField(
        _("colour"),
        max_length=7,
        default="#00607a",
        validators=[
            RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a colour like #00607a."))
        ],
    )
    position = models.PositiveIntegerField(_("sort order"), default=0)
    visibility = models.CharField(
        _("who can read"), max_length=10, choices=Visibility, default=Visibility.PUBLIC
    )
    moderators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderators"),
        blank=True,
        related_name="moderated_categories",
    )
    topic_count = models.PositiveIntegerField(default=0, editable=False)
    post_count = models.PositiveIntegerField(default=0, editable=False)
    last_post = models.ForeignKey(
        "Post",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("forum:category", args=[self.slug])

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def description(self) -> str:
        return localized(self, "description")

    @property
    def is_public(self) -> bool:
        return self.visibility == self.Visibility.PUBLIC

    def clean(self):
        if self.parent_id and self.parent.parent_id:
            raise ValidationError(
                {"parent": _("Subcategories cannot have subcategories of their own.")}
            )


class Tag(models.Model):
    """A free tag; staff mark some as suggested so the composer offers them."""

    name = models.CharField(_("name"), max_length=40, unique=True)
    is_suggested = models.BooleanField(_("suggested"), default=False)
    topic_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("forum:tag", args=[self.name])


class TopicQuerySet(models.QuerySet):
    def listed(self):
        """Topics that appear in lists: not deleted, not unlisted, approved."""
        return self.filter(
            deleted_at__isnull=True, is_visible=True, awaiting_approval=False
        )


class Topic(models.Model):
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="topics",
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(max_length=80, allow_unicode=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="topics",
    )
    language = models.CharField(max_length=2, choices=LANGUAGE_CHOICES, default="kk")
    tags = models.ManyToManyField(Tag, blank=True, related_name="topics")
    created_at = models.DateTimeField(default=timezone.now)
    # Last activity: the newest visible post, which moves the topic up the lists.
    bumped_at = models.DateTimeField(default=timezone.now)
    last_post = models.ForeignKey(
        "Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_poster = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Visible posts, the first one included; replies are post_count - 1.
    post_count = models.PositiveIntegerField(default=0)
    # Post numbers never repeat, even after deletions.
    highest_post_number = models.PositiveIntegerField(default=0)
    like_count = models.PositiveIntegerField(default=0)
    view_count = models.PositiveIntegerField(default=0)
    # The five most recent distinct posters, newest first, for list avatars.
    participant_ids = models.JSONField(default=list, blank=True)
    is_pinned = models.BooleanField(_("pinned"), default=False)
    is_closed = models.BooleanField(_("closed"), default=False)
    is_archived = models.BooleanField(_("archived"), default=False)
    is_visible = models.BooleanField(_("listed"), default=True)
    # A topic whose first post waits for a moderator: only its author and
    # moderators see it, and it counts nowhere until it is approved.
    awaiting_approval = models.BooleanField(default=False, db_default=False)
    solution = models.ForeignKey(
        "Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = TopicQuerySet.as_manager()

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        indexes = [
            models.Index(
                fields=["-is_pinned", "-bumped_at"],
                name="topic_latest",
                condition=Q(
                    deleted_at__isnull=True, is_visible=True, awaiting_approval=False
                ),
            ),
            models.Index(
                fields=["category", "-is_pinned", "-bumped_at"],
                name="topic_category_latest",
                condition=Q(
                    deleted_at__isnull=True, is_visible=True, awaiting_approval=False
                ),
            ),
            models.Index(fields=["-created_at"], name="topic_created"),
            models.Index(fields=["-like_count", "-post_count"], name="topic_top"),
            models.Index(fields=["author", "-created_at"], name="topic_author"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("forum:topic", args=[self.slug, self.pk])

    def get_post_url(self, number: int) -> str:
        return reverse("forum:post", args=[self.slug, self.pk, number])

    @property
    def reply_count(self) -> int:
        return max(self.post_count - 1, 0)

    @property
    def is_solved(self) -> bool:
        return self.solution_id is not None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class Post(models.Model):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="posts")
    number = models.PositiveIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="posts",
    )
    raw = models.TextField(_("text"))
    cooked = models.TextField(editable=False)
    reply_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies"
    )
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    edit_count = models.PositiveIntegerField(default=0)
    like_count = models.PositiveIntegerField(default=0)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Held for a moderator (a new member's first posts): readers other than the
    # author and moderators do not see it, and it counts nowhere until approved.
    awaiting_approval = models.BooleanField(default=False, db_default=False)
    # Hidden by flags or by a moderator: it keeps its place and its counts, but
    # only the author and moderators can read it until a moderator decides.
    hidden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["topic", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "number"], name="post_number_unique"
            )
        ]
        indexes = [models.Index(fields=["author", "-created_at"], name="post_author")]

    def __str__(self):
        return f"{self.topic_id}#{self.number}"

    def get_absolute_url(self):
        return self.topic.get_post_url(self.number)

    @property
    def is_first(self) -> bool:
        return self.number == 1

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class PostRevision(models.Model):
    """The text a post had before an edit: the history readers can open."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    raw = models.TextField()
    title = models.CharField(max_length=200, blank=True)
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["post", "number"]
        constraints = [
            models.UniqueConstraint(fields=["post", "number"], name="revision_unique")
        ]

    def __str__(self):
        return f"{self.post} v{self.number}"


class PostLike(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="likes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="post_likes"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "user"], name="like_once")
        ]
        indexes = [models.Index(fields=["user", "-created_at"], name="like_user")]

    def __str__(self):
        return f"{self.user_id} likes {self.post}"


class Bookmark(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="bookmarks")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookmarks"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "user"], name="bookmark_once")
        ]
        indexes = [models.Index(fields=["user", "-created_at"], name="bookmark_user")]

    def __str__(self):
        return f"{self.user_id} bookmarked {self.post}"


class Mention(models.Model):
    """A member named in a post; the notifications issue delivers these."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="mentions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentions"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "user"], name="mention_once")
        ]

    def __str__(self):
        return f"@{self.user_id} in {self.post}"


class TopicReadState(models.Model):
    """How far a member has read a topic: drives the unread and new counts."""

    topic = models.ForeignKey(
        Topic, on_delete=models.CASCADE, related_name="read_states"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="read_states"
    )
    last_read_post_number = models.PositiveIntegerField(default=0)
    first_visited_at = models.DateTimeField(default=timezone.now)
    last_visited_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "topic"], name="read_state_unique")
        ]

    def __str__(self):
        return f"{self.user_id} read {self.topic_id} to #{self.last_read_post_number}"


class TopicView(models.Model):
    """One counted view per member or browser session and topic."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="+")
    viewer = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["topic", "viewer"], name="view_once")
        ]

    def __str__(self):
        return f"{self.viewer} viewed {self.topic_id}"


class Draft(models.Model):
    """What a member was typing, saved as they go: one per topic, one new topic."""

    NEW_TOPIC = "new-topic"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="drafts"
    )
    key = models.CharField(max_length=40)
    title = models.CharField(max_length=200, blank=True)
    raw = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="draft_unique")
        ]

    def __str__(self):
        return f"{self.user_id}: {self.key}"

    @staticmethod
    def key_for(topic=None) -> str:
        return f"topic-{topic.pk}" if topic is not None else Draft.NEW_TOPIC


def upload_path(instance, filename):
    return f"forum/uploads/{timezone.now():%Y/%m}/{secrets.token_hex(8)}/{filename}"


class Upload(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="uploads"
    )
    file = models.FileField(upload_to=upload_path, max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    is_image = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.original_name


class TrustLevel(models.IntegerChoices):
    """Discourse's levels: what a member may do grows with their activity."""

    NEW = 0, _("new")
    BASIC = 1, _("basic")
    MEMBER = 2, _("member")
    REGULAR = 3, _("regular")


class DigestFrequency(models.TextChoices):
    NEVER = "never", _("never")
    DAILY = "daily", _("daily")
    WEEKLY = "weekly", _("weekly")


def avatar_path(instance, filename):
    return f"forum/avatars/{instance.user_id}/{secrets.token_hex(6)}.png"


class Profile(models.Model):
    """What a member shows of themselves on the forum."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    organisation = models.CharField(
        _("government body or organisation"), max_length=200, blank=True
    )
    position = models.CharField(_("position"), max_length=200, blank=True)
    avatar = models.ImageField(_("avatar"), upload_to=avatar_path, blank=True)
    bio = models.TextField(_("short bio"), max_length=1000, blank=True)
    languages = models.JSONField(_("languages spoken"), default=list, blank=True)

    # Community standing (forum/trust.py): computed by a periodic task from
    # activity, unless staff lock it.
    trust_level = models.PositiveSmallIntegerField(
        _("trust level"), choices=TrustLevel, default=TrustLevel.NEW
    )
    trust_level_locked = models.BooleanField(
        _("trust level locked"),
        default=False,
        help_text=_("Keep this level: the periodic recalculation leaves it alone."),
    )

    # E-mail preferences (forum/emails.py).
    language = models.CharField(
        _("language of e-mails"),
        max_length=2,
        choices=LANGUAGE_CHOICES,
        default=settings.LANGUAGE_CODE[:2],
    )
    email_notifications = models.BooleanField(
        _("e-mail me about notifications I have not read on the site"), default=True
    )
    digest = models.CharField(
        _("digest"),
        max_length=10,
        choices=DigestFrequency,
        default=DigestFrequency.WEEKLY,
    )
    last_digest_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("profile")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return (
            self.display_name or self.user.get_full_name() or self.user.get_username()
        )

    @property
    def initials(self) -> str:
        parts = self.name.split()
        return "".join(part[0] for part in parts[:2]).upper() or "?"


def invitation_expiry():
    return timezone.now() + timedelta(days=Invitation.VALID_DAYS)


class Invitation(models.Model):
    VALID_DAYS = 14

    email = models.EmailField(_("e-mail"))
    token = models.CharField(max_length=64, unique=True, default=secrets.token_urlsafe)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(default=invitation_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self):
        return self.email

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()


@register_setting(icon="group")
class ForumSettings(BaseGenericSetting):
    """Who may join: staff switch the forum to invitations only, or limit domains."""

    invitation_only = models.BooleanField(
        _("invitation only"),
        default=False,
        help_text=_("Only people with an invitation can create an account."),
    )
    allowed_email_domains = models.TextField(
        _("allowed e-mail domains"),
        blank=True,
        help_text=_("One per line, e.g. gov.kz. Leave empty to allow any domain."),
    )

    class Meta:
        verbose_name = _("forum settings")

    @property
    def domains(self) -> list[str]:
        return [
            line.strip().lower().lstrip("@")
            for line in self.allowed_email_domains.splitlines()
            if line.strip()
        ]

    def allows_email(self, email: str) -> bool:
        if not self.domains:
            return True
        domain = email.rsplit("@", 1)[-1].lower()
        return any(domain == d or domain.endswith("." + d) for d in self.domains)


# Notifications ------------------------------------------------------------------


class NotificationLevel(models.IntegerChoices):
    """How closely a member follows a topic or a category, as in Discourse.

    Watching: every new post (in a category: every new topic) notifies.
    Tracking: replies, quotes and mentions notify, and unread counts show.
    Normal: only replies to you, quotes and mentions notify.
    Muted: nothing notifies.
    """

    MUTED = 0, _("Muted")
    NORMAL = 1, _("Normal")
    TRACKING = 2, _("Tracking")
    WATCHING = 3, _("Watching")


class TopicWatch(models.Model):
    """A member's level for one topic; without a row the category's level holds."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="topic_watches"
    )
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="watches")
    level = models.PositiveSmallIntegerField(choices=NotificationLevel)
    # Whether the member chose it (True) or posting set it (False): posting
    # never overrides a level the member chose.
    chosen = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "topic"], name="topic_watch_once")
        ]
        indexes = [models.Index(fields=["topic", "level"], name="topic_watch_level")]

    def __str__(self):
        return f"{self.user_id} {self.get_level_display()} topic {self.topic_id}"


class CategoryWatch(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="category_watches",
    )
    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, related_name="watches"
    )
    level = models.PositiveSmallIntegerField(choices=NotificationLevel)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "category"], name="category_watch_once"
            )
        ]
        indexes = [
            models.Index(fields=["category", "level"], name="category_watch_level")
        ]

    def __str__(self):
        return f"{self.user_id} {self.get_level_display()} category {self.category_id}"


class Notification(models.Model):
    """Something a member should know about, shown under the bell.

    The text is rendered when it is shown, in the reader's language, from the
    kind and the rows it points at; `data` keeps what those rows cannot say
    (the likers of a grouped like, a moderator's outcome and reason).
    """

    class Kind(models.TextChoices):
        REPLY = "reply", _("reply")
        QUOTE = "quote", _("quote")
        MENTION = "mention", _("mention")
        POSTED = "posted", _("new post in a watched topic")
        NEW_TOPIC = "new_topic", _("new topic in a watched category")
        LIKE = "like", _("like")
        SOLUTION = "solution", _("accepted answer")
        MODERATION = "moderation", _("moderation outcome")
        COMMENT_REPLY = "comment_reply", _("reply to a comment")
        COMMENT_LIKE = "comment_like", _("comment like")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=Kind)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    comment = models.ForeignKey(
        "django_comments_xtd.XtdComment",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notification_user"),
            models.Index(
                fields=["user"],
                name="notification_unread",
                condition=Q(read_at__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.kind} for {self.user_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class EmailDelivery(models.Model):
    """One e-mail the site has sent or is sending, keyed so that it goes once.

    The key names what the e-mail is about ("notification:42",
    "digest:daily:2026-11-26:7"); a retried task finds the row and stops.
    """

    key = models.CharField(max_length=100, unique=True)
    # None for an address that is nobody's account yet (an invitation).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return self.key


class DigestRun(models.Model):
    """One fan-out of the daily or weekly digest for one period.

    celery beat asks every quarter of an hour whether a period's digest is
    due; this row, written with the digest jobs, makes the answer "already
    done" once it went out, so a period whose 07:00 run never reached a worker
    (the broker was down) still goes out, once.
    """

    frequency = models.CharField(max_length=10, choices=DigestFrequency)
    period_start = models.DateField()
    members = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["frequency", "period_start"], name="digest_run_once"
            )
        ]

    def __str__(self):
        return f"{self.frequency} digest from {self.period_start}"


# Moderation ---------------------------------------------------------------------


class ReviewItem(models.Model):
    """A post or a comment waiting for a moderator, and what they decided.

    One pending item per post or comment at a time; flags attach to it.
    """

    class Reason(models.TextChoices):
        FLAGGED = "flagged", _("flagged")
        HELD = "held", _("awaiting approval")

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        APPROVED = "approved", _("approved")
        HIDDEN = "hidden", _("hidden")
        DELETED = "deleted", _("deleted")

    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="reviews"
    )
    comment = models.ForeignKey(
        "django_comments_xtd.XtdComment",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    reason = models.CharField(max_length=10, choices=Reason)
    status = models.CharField(
        max_length=10, choices=Status, default=Status.PENDING, db_index=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(post__isnull=False, comment__isnull=True)
                | Q(post__isnull=True, comment__isnull=False),
                name="review_one_target",
            ),
            models.UniqueConstraint(
                fields=["post"],
                condition=Q(status="pending"),
                name="review_pending_post_once",
            ),
            models.UniqueConstraint(
                fields=["comment"],
                condition=Q(status="pending"),
                name="review_pending_comment_once",
            ),
        ]

    def __str__(self):
        return f"{self.reason} {self.post_id or self.comment_id}: {self.status}"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING


class Flag(models.Model):
    """A member's report of a post or a comment."""

    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam")
        OFF_TOPIC = "off_topic", _("Off-topic")
        INAPPROPRIATE = "inappropriate", _("Inappropriate")
        OTHER = "other", _("Something else")

    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    comment = models.ForeignKey(
        "django_comments_xtd.XtdComment",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="flags_given"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason)
    note = models.TextField(_("note"), blank=True, max_length=1000)
    review = models.ForeignKey(
        ReviewItem, null=True, on_delete=models.SET_NULL, related_name="flags"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(post__isnull=False, comment__isnull=True)
                | Q(post__isnull=True, comment__isnull=False),
                name="flag_one_target",
            ),
            models.UniqueConstraint(
                fields=["post", "user"],
                condition=Q(post__isnull=False),
                name="flag_post_once",
            ),
            models.UniqueConstraint(
                fields=["comment", "user"],
                condition=Q(comment__isnull=False),
                name="flag_comment_once",
            ),
        ]

    def __str__(self):
        return f"{self.user_id} flagged {self.post_id or self.comment_id}"


class SuspensionQuerySet(models.QuerySet):
    def active(self, now=None):
        now = now or timezone.now()
        return self.filter(lifted_at__isnull=True, starts_at__lte=now, ends_at__gt=now)


class Suspension(models.Model):
    """A member who may read but not write until `ends_at`."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="suspensions"
    )
    reason = models.TextField(_("reason"))
    starts_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField(_("until"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = SuspensionQuerySet.as_manager()

    class Meta:
        verbose_name = _("suspension")
        verbose_name_plural = _("suspensions")
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["user", "-ends_at"], name="suspension_user")]

    def __str__(self):
        return f"{self.user_id} until {self.ends_at:%Y-%m-%d}"


class AuditEntry(models.Model):
    """Who did what, when and why: every moderator and staff action.

    Written by the services that act (forum/audit.py), never edited: the
    Wagtail admin lists and searches it read-only.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=40, db_index=True)
    target_type = models.CharField(_("target type"), max_length=40)
    target_id = models.CharField(_("target id"), max_length=40, blank=True)
    target_label = models.CharField(_("target"), max_length=255, blank=True)
    reason = models.TextField(_("why"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_label}"


class UserVisit(models.Model):
    """One row per member and day they used the site: "days visited" for trust."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="visits"
    )
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="visit_once")
        ]

    def __str__(self):
        return f"{self.user_id} on {self.day}"
