"""What the forum asks of the CMS about a topic: the seminar it discusses
(conf.FORUM_SEMINAR_REFERENCE) and its practice (conf.FORUM_PRACTICE_FOR).

The forum stores a seminar's translation key and a material's document id
on a topic (forum.core.references); this finds the published seminar in the
reader's language, else in any other, and the material in it.
"""

import dataclasses

from django.conf import settings

from forum.core.references import Reference

from .models import PracticePage, SeminarPage
from .selectors import materials


def _in_language(pages, language: str):
    """The published, public version of `pages` a reader of `language` gets:
    theirs, else the site's default, else any; None when none is published."""
    order = [
        language,
        settings.LANGUAGE_CODE,
        *(code for code, _ in settings.LANGUAGES),
    ]
    versions = pages.live().public().select_related("locale")
    return min(
        versions,
        key=lambda page: order.index(page.locale.language_code),
        default=None,
    )


def reference_for(seminar_key, material_id, language: str) -> Reference | None:
    seminar = _in_language(
        SeminarPage.objects.filter(translation_key=seminar_key), language
    )
    if seminar is None:
        return None
    reference = Reference(
        seminar_key=seminar.translation_key,
        title=seminar.title,
        url=seminar.url,
        language=seminar.locale.language_code,
    )
    if material_id not in (offered := materials(seminar)):
        return reference
    document, title = offered[material_id]
    return dataclasses.replace(
        reference,
        material_id=document.pk,
        material_title=title,
        material_url=document.url,
    )


def practice_for(topic, language: str) -> tuple[str, str] | None:
    """(title, URL) of the published practice made from `topic`, in the
    reader's language when it has one (conf.FORUM_PRACTICE_FOR)."""
    page = _in_language(PracticePage.objects.filter(source_topic=topic), language)
    return (page.title, page.url) if page is not None else None


def seminar_choices(language: str) -> list[tuple[str, str]]:
    """Every published seminar once, upcoming ones first then the most recent,
    titled in the reader's language where it has a version in it."""
    seminars: dict = {}
    for page in (
        SeminarPage.objects.live()
        .public()
        .select_related("locale")
        .order_by("-start_date")
    ):
        key = page.translation_key
        if key not in seminars or page.locale.language_code == language:
            seminars[key] = page
    ordered = sorted(seminars.values(), key=lambda page: (not page.is_upcoming,))
    return [(str(page.translation_key), page.title) for page in ordered]
