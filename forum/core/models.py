"""What every part of the forum records the same way: the audit log (every
moderator's and staff member's action, every trust level the hourly task
changes; forum/core/audit.py) and the e-mails sent (forum/core/delivery.py)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """Who did what, when and why: every moderator and staff action.

    Written by the services that act (forum/core/audit.py), never edited: the
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
