"""Watching levels, notifications, and the record of every e-mail sent."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forum.discussions.models import Category, Post, Topic
from forum.members.models import DigestFrequency


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
        SEMINAR_DATES = "seminar_dates", _("new dates of a seminar")
        SEMINAR_MATERIALS = "seminar_materials", _("new materials of a seminar")
        PRACTICE = "practice", _("a post of yours in the practices library")

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
    # A CMS page it is about (a seminar), in the member's language.
    page = models.ForeignKey(
        "wagtailcore.Page",
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
