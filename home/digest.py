"""The site's pages in a member's digest: the period's new seminars and news,
each in the reader's language where it is translated.

The forum's digest (forum/notifications/mail.py) knows nothing of CMS pages;
it asks the callable named by FORUM_DIGEST_PAGES, which is `new_pages` here.
"""

from datetime import datetime

from django.conf import settings
from django.db.models import Subquery
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy

from forum.core import links
from forum.notifications.mail import EXCERPT_CHARS, DigestItem

from .models import NewsPage, SeminarPage

MATERIAL_LABELS = {
    "document": gettext_lazy("Document"),
    "image": gettext_lazy("Image"),
    "video": gettext_lazy("Video"),
}


def _in_language(pages, language: str) -> list:
    """One page per translation group: the reader's language, else the original.

    The original is the version in the site's default language or, failing
    that, the oldest one.
    """
    groups: dict = {}
    for page in pages:
        groups.setdefault(page.translation_key, []).append(page)
    chosen = []
    for versions in groups.values():
        by_language = {p.locale.language_code: p for p in versions}
        chosen.append(
            by_language.get(language)
            or by_language.get(settings.LANGUAGE_CODE)
            or min(versions, key=lambda p: p.pk)
        )
    return chosen


def _new_pages(model, date_field: str, start: datetime, end: datetime, language: str):
    """Live public pages of `model` whose `date_field` falls in the period, in the
    reader's language: one query for the groups, every version read at once."""
    in_period = (
        model.objects.live()
        .public()
        .filter(**{f"{date_field}__gte": start, f"{date_field}__lt": end})
        .values("translation_key")
    )
    versions = (
        model.objects.live()
        .public()
        .filter(translation_key__in=Subquery(in_period))
        .select_related("locale")
        .order_by("pk")
    )
    pages = _in_language(versions, language)
    return sorted(pages, key=lambda p: getattr(p, date_field) or start, reverse=True)


def _materials(page) -> list[str]:
    """Names of a seminar's materials from the stored stream: no query per file."""
    names = []
    for block in page.materials.raw_data:
        value = block.get("value") or {}
        name = (value.get("title") or value.get("caption")) if value else ""
        names.append(str(name or MATERIAL_LABELS.get(block.get("type"), "")))
    return [name for name in names if name]


def _seminar_dates(page) -> str:
    first = date_format(page.start_date, "DATE_FORMAT")
    if page.end_date == page.start_date:
        return first
    return f"{first} – {date_format(page.end_date, 'DATE_FORMAT')}"


def new_pages(start: datetime, end: datetime, language: str) -> dict:
    """{"seminars": [...], "news": [...]}: DigestItems, newest first."""
    seminars = [
        DigestItem(
            title=page.title,
            url=links.page_url(page),
            meta=_seminar_dates(page),
            summary=Truncator(page.summary).chars(EXCERPT_CHARS),
            materials=_materials(page),
        )
        for page in _new_pages(SeminarPage, "last_published_at", start, end, language)
    ]
    news = [
        DigestItem(
            title=page.title,
            url=links.page_url(page),
            summary=Truncator(page.summary).chars(EXCERPT_CHARS),
        )
        for page in _new_pages(NewsPage, "first_published_at", start, end, language)
    ]
    return {"seminars": seminars, "news": news}
