"""The review queue and the flags that fill it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forum.discussions.models import Post


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
