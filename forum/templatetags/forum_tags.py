from django import template
from django.utils.html import format_html

register = template.Library()

# Background colours for initials avatars; white text passes WCAG AA on each.
AVATAR_COLOURS = ["#00607a", "#7a3e00", "#5b3a8c", "#1f6b3a", "#8c2f4b", "#3b5670"]


def profile_of(user):
    """The member's profile, or None for a member who has not filled one in."""
    return getattr(user, "profile", None) if user is not None else None


@register.filter
def display_name(user) -> str:
    if user is None:
        return ""
    profile = profile_of(user)
    return profile.name if profile else (user.get_full_name() or user.get_username())


@register.simple_tag
def avatar(user, size=32):
    """The member's picture, or their initials on a colour of their own."""
    size = int(size)
    if user is None:
        return format_html(
            '<span class="avatar avatar-initials" style="width:{0}px;height:{0}px" '
            'aria-hidden="true">?</span>',
            size,
        )
    profile = profile_of(user)
    name = display_name(user)
    if profile is not None and profile.avatar:
        return format_html(
            '<img class="avatar" src="{}" width="{}" height="{}" alt="">',
            profile.avatar.url,
            size,
            size,
        )
    initials = "".join(part[0] for part in name.split()[:2]).upper() or "?"
    colour = AVATAR_COLOURS[user.pk % len(AVATAR_COLOURS)]
    return format_html(
        '<span class="avatar avatar-initials" style="width:{0}px;height:{0}px;'
        'background:{1};font-size:{2}px" aria-hidden="true">{3}</span>',
        size,
        colour,
        max(size // 2 - 2, 10),
        initials,
    )
