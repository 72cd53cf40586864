"""Writes to members' profiles.

Pictures arrive here already checked and resized (forum/members/forms.py): this
module only stores them, and removes the replaced file once the new one is
committed, so a rolled-back edit never leaves a profile without its picture.

Invitations: staff invite someone by e-mail; the link lets them sign up.

An invitation is usable once and until it expires. The e-mail is written in the
language the inviting staff member is using, because that is the language they
chose to address the person in. The e-mail is an outbox job written with the
invitation, so it goes out only once the row is committed (the link in it
always works), and a mail server or broker outage delays it without losing it.
"""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from forum import permissions
from forum.core import links
from forum.core.delivery import send_once
from forum.core.languages import LANGUAGE_CODES
from forum.members import trust
from forum.models import Invitation, Profile
from outbox import services as outbox

logger = logging.getLogger(__name__)


def profile_create(*, user, display_name: str = "") -> Profile:
    profile, _created = Profile.objects.get_or_create(
        user=user, defaults={"display_name": display_name.strip()[:100]}
    )
    return profile


@transaction.atomic
def profile_update(
    *,
    actor,
    user,
    display_name: str,
    organisation: str,
    position: str,
    bio: str,
    languages: list[str],
    avatar: ContentFile | None = None,
    remove_avatar: bool = False,
) -> Profile:
    if not permissions.can_edit_profile(actor, user):
        raise PermissionDenied
    profile, _created = Profile.objects.select_for_update().get_or_create(user=user)
    profile.display_name = display_name.strip()
    profile.organisation = organisation.strip()
    profile.position = position.strip()
    profile.bio = bio.strip()
    profile.languages = [code for code in LANGUAGE_CODES if code in set(languages)]
    old_avatar = profile.avatar.name if profile.avatar else ""
    if avatar is not None:
        profile.avatar.save("avatar.png", avatar, save=False)
    elif remove_avatar:
        profile.avatar = ""
    profile.save()
    if old_avatar and old_avatar != profile.avatar.name:
        storage = profile.avatar.storage
        transaction.on_commit(lambda: storage.delete(old_avatar), robust=True)
    return profile


def invitation_url(invitation: Invitation) -> str:
    """The absolute accept link, under the active language's prefix."""
    return links.absolute(reverse("forum:invitation_accept", args=[invitation.token]))


@transaction.atomic
def invitation_create(*, actor, email: str) -> Invitation:
    if not permissions.can_invite(actor):
        raise PermissionDenied
    invitation = Invitation.objects.create(
        email=email.strip().lower(), invited_by=actor
    )
    language = translation.get_language() or settings.LANGUAGE_CODE
    outbox.enqueue(
        "forum.send_invitation", invitation_id=invitation.pk, language=language
    )
    return invitation


def invitation_send(*, invitation_id: int, language: str) -> bool:
    """Send the invitation e-mail once. Returns False when the invitation is
    gone or its e-mail went out already."""
    invitation = (
        Invitation.objects.select_related("invited_by").filter(pk=invitation_id).first()
    )
    if invitation is None or not invitation.is_usable:
        return False
    with translation.override(language):
        context = {
            "invitation": invitation,
            "inviter": invitation.invited_by,
            "accept_url": invitation_url(invitation),
            "site_name": str(settings.WAGTAIL_SITE_NAME),
            "valid_days": Invitation.VALID_DAYS,
        }
        subject = " ".join(
            render_to_string("forum/email/invitation_subject.txt", context).split()
        )
        text = render_to_string("forum/email/invitation_body.txt", context)
        html = render_to_string("forum/email/invitation_body.html", context)
    message = EmailMultiAlternatives(subject, text, to=[invitation.email])
    message.attach_alternative(html, "text/html")
    if not send_once(f"invitation:{invitation.pk}", None, lambda: message):
        return False
    logger.info("Invitation %s sent to %s", invitation.pk, invitation.email)
    return True


@transaction.atomic
def invitation_accept(*, token: str, user) -> Invitation:
    """Mark the invitation used by `user`; refuse one that is expired or used.

    The row is locked so that two sign-ups racing on one link cannot both use it.
    """
    invitation = Invitation.objects.select_for_update().filter(token=token).first()
    if invitation is None or not invitation.is_usable:
        raise ValidationError(
            _("This invitation has expired or has already been used."),
            code="invitation_unusable",
        )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    # Someone vouched for them: invited members skip trust level 0.
    trust.start_invited_member(user)
    return invitation
