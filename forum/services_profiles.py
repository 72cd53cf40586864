"""Writes to members' profiles.

Pictures arrive here already checked and resized (forum/profile_forms.py): this
module only stores them, and removes the replaced file once the new one is
committed, so a rolled-back edit never leaves a profile without its picture.
"""

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction

from . import permissions
from .models import LANGUAGE_CODES, Profile


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
