"""Members: profiles, trust levels, invitations, visits, suspensions, the
forum's settings in the Wagtail admin."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from forum.core.languages import LANGUAGE_CHOICES


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

    # Community standing (forum/members/trust.py): computed by a periodic task from
    # activity, unless staff lock it.
    trust_level = models.PositiveSmallIntegerField(
        _("trust level"), choices=TrustLevel, default=TrustLevel.NEW
    )
    trust_level_locked = models.BooleanField(
        _("trust level locked"),
        default=False,
        help_text=_("Keep this level: the periodic recalculation leaves it alone."),
    )

    # E-mail preferences (forum/notifications/mail.py).
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
