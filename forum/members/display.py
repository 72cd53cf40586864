"""How a member is shown: their name, their initials, their picture.

One place for the bell, e-mails, profiles and every list: the template tags
(forum/templatetags/forum_tags.py) only wrap these.
"""

import time

from django.core.cache import cache
from django.utils.html import format_html

# Initials avatars take their size and colour from classes in static/css/site.css
# (.avatar-<size>, .avatar-colour-<n>), not from a style attribute, which the
# Content-Security-Policy refuses (config/settings/base.py). A size without a
# class of its own takes the nearest one.
AVATAR_SIZES = (28, 32, 40, 48, 64, 96, 128)
AVATAR_COLOUR_COUNT = 6


def profile_of(user):
    """The member's profile, or None for a member who has not filled one in."""
    return getattr(user, "profile", None) if user is not None else None


def display_name(user) -> str:
    """The name the member chose, else their full name, else their username."""
    if user is None:
        return ""
    profile = profile_of(user)
    if profile is not None:
        return profile.name
    return user.get_full_name() or user.get_username()


def initials(name: str) -> str:
    return "".join(part[0] for part in name.split()[:2]).upper() or "?"


def avatar(user, size: int = 32) -> str:
    """The member's picture, or their initials on a colour of their own."""
    size = int(size)
    nearest = min(AVATAR_SIZES, key=lambda known: abs(known - size))
    size_class = f"avatar-{nearest}"
    if user is None:
        return format_html(
            '<span class="avatar avatar-initials {}" aria-hidden="true">?</span>',
            size_class,
        )
    profile = profile_of(user)
    if profile is not None and profile.avatar:
        return format_html(
            '<img class="avatar" src="{}" width="{}" height="{}" alt="">',
            profile.avatar.url,
            size,
            size,
        )
    return format_html(
        '<span class="avatar avatar-initials {} avatar-colour-{}" '
        'aria-hidden="true">{}</span>',
        size_class,
        user.pk % AVATAR_COLOUR_COUNT,
        initials(display_name(user)),
    )


# Fragments that show members (a post's header: name, picture, organisation)
# are cached under keys that carry this stamp; a change to any member's
# profile or account starts a new one (forum/apps.py connects `changed`).
# Profiles change seldom next to how often posts are read, and one stamp for
# every member costs a page one cache read where a stamp per author would cost
# a query.
STAMP = "forum:members:display-stamp"
STAMP_SECONDS = 30 * 24 * 60 * 60


def stamp() -> int:
    """The current display stamp, starting one when there is none."""
    current = cache.get(STAMP)
    if current is None:
        cache.add(STAMP, time.time_ns(), STAMP_SECONDS)
        current = cache.get(STAMP) or 0
    return current


def changed(sender=None, update_fields=None, **kwargs) -> None:
    """A member's name, picture or organisation may have changed (a
    post_save receiver; a log-in, which saves only last_login, changes
    nothing shown)."""
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    try:
        cache.incr(STAMP)
    except ValueError:  # no stamp yet, or the cache is unavailable
        cache.set(STAMP, time.time_ns(), STAMP_SECONDS)
