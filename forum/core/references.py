"""What a topic's seminar reference and practice are, asked of the CMS.

A topic may discuss a seminar, and one of its materials (Topic.seminar_key,
Topic.material_id). The forum knows nothing of CMS pages (.importlinter), so
the callable named by conf.FORUM_SEMINAR_REFERENCE answers, in the reader's
language: the seminar's title and URL, the material's title and download URL.
"""

import uuid
from dataclasses import dataclass

from django.utils.module_loading import import_string

from forum.conf import conf


@dataclass(frozen=True)
class Reference:
    seminar_key: uuid.UUID
    title: str
    url: str
    language: str  # of the seminar page found (the reader's, or a fallback)
    material_id: int | None = None
    material_title: str = ""
    material_url: str = ""


def parse_key(value) -> uuid.UUID | None:
    """A seminar key from a form or a query string, or None."""
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


def reference_for(seminar_key, material_id, language: str) -> Reference | None:
    """The published seminar (and material of it) these name, or None."""
    if seminar_key is None or not conf.FORUM_SEMINAR_REFERENCE:
        return None
    return import_string(conf.FORUM_SEMINAR_REFERENCE)(
        seminar_key, material_id, language
    )


def practice_for(topic, language: str) -> tuple[str, str] | None:
    """(title, URL) of the practice made from the topic, or None."""
    if not conf.FORUM_PRACTICE_FOR:
        return None
    return import_string(conf.FORUM_PRACTICE_FOR)(topic, language)


def seminar_choices(language: str) -> list[tuple[str, str]]:
    """(key, title) of the seminars a topic may discuss, for the composer."""
    if not conf.FORUM_SEMINAR_CHOICES:
        return []
    return import_string(conf.FORUM_SEMINAR_CHOICES)(language)
