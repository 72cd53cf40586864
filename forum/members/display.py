"""How a member is shown: their name, their initials, their picture.

One place for the bell, e-mails, profiles and every list: the template tags
(forum/templatetags/forum_tags.py) only wrap these.
"""

from django.utils.html import format_html, format_html_join

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


def picture_url(user) -> str | None:
    """The picture the member uploaded, if any."""
    profile = profile_of(user)
    return profile.avatar.url if profile is not None and profile.avatar else None


def initials(name: str) -> str:
    return "".join(part[0] for part in name.split()[:2]).upper() or "?"


def avatar(user, size: int = 32) -> str:
    """The member's picture, or their initials on a colour of their own,
    beside their name: decoration, hidden from screen readers (alone, as in a
    list's participants, the avatars carry the names: `participants`)."""
    size = int(size)
    nearest = min(AVATAR_SIZES, key=lambda known: abs(known - size))
    size_class = f"avatar-{nearest}"
    if user is None:
        return format_html(
            '<span class="avatar avatar-initials {}" aria-hidden="true">?</span>',
            size_class,
        )
    if picture := picture_url(user):
        return format_html(
            '<img class="avatar" src="{}" width="{}" height="{}" alt="">',
            picture,
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


def participants(users) -> str:
    """A topic list row's participants: their avatars (a picture, or initials
    on a colour of their own) as one image named by their names, in order,
    for screen readers and as a tooltip. Thirty rows of up to five make a
    list page, so each avatar is a bare element that static/css/site.css
    sizes (`.pp`), and the names are said once."""
    if not users:
        return ""
    names = [display_name(user) for user in users]
    pairs = zip(users, names, strict=True)
    avatars = format_html_join("", "{}", ((_small_avatar(*pair),) for pair in pairs))
    return format_html(
        '<span role="img" title="{}">{}</span>', ", ".join(names), avatars
    )


def _small_avatar(user, name: str) -> str:
    if picture := picture_url(user):
        return format_html('<img src="{}" width="28" height="28" alt="">', picture)
    return format_html(
        '<i class="c{}">{}</i>', user.pk % AVATAR_COLOUR_COUNT, initials(name)
    )
