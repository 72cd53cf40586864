from django import template
from django.utils.html import format_html

register = template.Library()

# Initials avatars take their size and colour from classes in static/css/site.css
# (.avatar-<size>, .avatar-colour-<n>), not from a style attribute, which the
# Content-Security-Policy refuses (config/settings/base.py). A size without a
# class of its own takes the nearest one.
AVATAR_SIZES = (28, 32, 40, 48, 64, 96, 128)
AVATAR_COLOUR_COUNT = 6


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
    nearest = min(AVATAR_SIZES, key=lambda known: abs(known - size))
    size_class = f"avatar-{nearest}"
    if user is None:
        return format_html(
            '<span class="avatar avatar-initials {}" aria-hidden="true">?</span>',
            size_class,
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
    return format_html(
        '<span class="avatar avatar-initials {} avatar-colour-{}" '
        'aria-hidden="true">{}</span>',
        size_class,
        user.pk % AVATAR_COLOUR_COUNT,
        initials,
    )


@register.simple_tag
def category_swatch(colour):
    """A square of the category's colour.

    An SVG's fill attribute carries the colour: a style attribute would be
    refused by the Content-Security-Policy, and the colour is the editors' choice,
    so no stylesheet can know it.
    """
    return format_html(
        '<svg class="category-swatch" viewBox="0 0 1 1" aria-hidden="true" '
        'focusable="false"><rect width="1" height="1" fill="{}"/></svg>',
        colour,
    )


@register.simple_tag
def category_stripe(colour):
    """The coloured left edge of a category's card (see category_swatch)."""
    return format_html(
        '<svg class="category-stripe" aria-hidden="true" focusable="false">'
        '<rect width="100%" height="100%" fill="{}"/></svg>',
        colour,
    )
