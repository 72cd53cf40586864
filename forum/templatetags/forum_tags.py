"""Template tags for forum pages: names, avatars, category colours, "ago"."""

from django import template
from django.utils.encoding import uri_to_iri
from django.utils.html import format_html

from forum.core import dates, languages
from forum.members import display

register = template.Library()


@register.filter
def display_name(user) -> str:
    return display.display_name(user)


@register.filter
def ago(moment) -> str:
    return dates.ago(moment)


@register.simple_tag
def lang_attr(language):
    return languages.lang_attribute(language)


@register.simple_tag
def avatar(user, size=32):
    return display.avatar(user, size)


@register.simple_tag
def participants(users):
    return display.participants(users)


@register.filter
def iri(url: str) -> str:
    """A URL with its percent-encoded letters back as letters ("/tags/фейк/",
    not "/tags/%D1%84%D0%B5%D0%B9%D0%BA/"): a third of the bytes for Cyrillic,
    and browsers encode them again when they follow the link."""
    return uri_to_iri(url)


@register.filter
def datetime_attr(moment) -> str:
    """A `<time datetime>` value to the minute, in UTC."""
    return dates.machine(moment)


@register.simple_tag
def category_swatch(colour):
    """A square of the category's colour, in as few bytes as it takes (a
    list page shows one per row): static/css/site.css sizes it where it is
    used, the badge and a list's heading, and its rectangle.

    An SVG's fill attribute carries the colour: a style attribute would be
    refused by the Content-Security-Policy, and the colour is the editors' choice,
    so no stylesheet can know it.
    """
    return format_html(
        '<svg aria-hidden="true"><rect fill="{}"/></svg>',
        colour,
    )


@register.simple_tag
def category_stripe(colour):
    """The coloured left edge of a category's card (see category_swatch)."""
    return format_html(
        '<svg class="category-stripe" aria-hidden="true"><rect fill="{}"/></svg>',
        colour,
    )
