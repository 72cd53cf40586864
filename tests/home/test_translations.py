"""The kk, ru and en catalogues are complete, and the interface speaks each language."""

import datetime
import io
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import formats, translation

from forum.core import dates

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
LANGUAGES = [code for code, _name in settings.LANGUAGES]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")
# The project's catalogues, and its completions of the libraries' ones.
CATALOGUES = [
    pytest.param(path, id=str(path.relative_to(LOCALE_DIR)))
    for path in sorted(LOCALE_DIR.glob("**/LC_MESSAGES/django.po"))
]


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE_DIR / language / "LC_MESSAGES" / "django.po"))


def test_both_kinds_of_catalogue_are_checked():
    names = {param.id for param in CATALOGUES}
    assert {"kk/LC_MESSAGES/django.po", "libraries/kk/LC_MESSAGES/django.po"} <= names


@pytest.mark.parametrize("path", CATALOGUES)
def test_every_string_is_translated(path):
    po = polib.pofile(str(path))
    assert not po.untranslated_entries(), [e.msgid for e in po.untranslated_entries()]
    assert not po.fuzzy_entries(), [e.msgid for e in po.fuzzy_entries()]


def test_every_library_string_the_site_shows_has_a_kazakh_entry():
    """An upgraded allauth or Django with new strings fails here until
    `manage.py library_messages` adds them and someone translates them."""
    call_command("library_messages", "--check", stdout=io.StringIO())


@pytest.mark.parametrize("path", CATALOGUES)
def test_translations_keep_their_placeholders(path):
    for entry in polib.pofile(str(path)).translated_entries():
        expected = sorted(PLACEHOLDER.findall(entry.msgid))
        translations = (
            entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        )
        for text in translations:
            assert sorted(PLACEHOLDER.findall(text)) == expected, entry.msgid


def test_russian_plural_forms_have_three_cases():
    po = catalogue("ru")
    assert "nplurals=3" in po.metadata["Plural-Forms"]
    for entry in po.translated_entries():
        if entry.msgid_plural:
            assert len(entry.msgstr_plural) == 3, entry.msgid


@pytest.mark.parametrize(
    ("language", "expected"),
    [("kk", "Іздеу"), ("ru", "Поиск"), ("en", "Search")],
)
def test_compiled_catalogue_is_used(language, expected):
    with translation.override(language):
        assert translation.gettext("Search") == expected


@pytest.mark.parametrize(
    ("language", "skip_link"),
    [
        ("kk", "Негізгі мазмұнға өту"),
        ("ru", "Перейти к основному содержанию"),
        ("en", "Skip to content"),
    ],
)
def test_pages_render_the_interface_in_their_language(
    client, demo, language, skip_link
):
    body = client.get(f"/{language}/seminars/").content.decode()
    assert skip_link in body


@pytest.mark.parametrize(
    ("language", "date", "moment", "number"),
    [
        ("kk", "6 желтоқсан 2026 ж.", "6 желтоқсан 2026 ж. 14:30", "1\xa0234,5"),
        ("ru", "6 декабря 2026 г.", "6 декабря 2026 г. 14:30", "1\xa0234,5"),
        ("en", "6 Dec 2026", "6 Dec 2026, 14:30", "1,234.5"),
    ],
)
def test_dates_and_numbers_are_written_each_languages_way(
    language, date, moment, number
):
    """Day, month by name, year; never the US 12/06/2026. A Kazakh month
    mid-sentence is in lower case (locale/libraries/kk)."""
    when = datetime.datetime(2026, 12, 6, 14, 30)
    with translation.override(language):
        assert formats.date_format(when.date()) == date
        assert formats.date_format(when, "DATETIME_FORMAT") == moment
        assert formats.number_format(1234.5, 1, use_l10n=True, force_grouping=True) == (
            number
        )


@pytest.mark.parametrize(
    ("language", "minutes", "days", "now"),
    [
        # timesince keeps the number and its unit together: a no-break space.
        ("kk", "5\xa0минут бұрын", "3\xa0күн бұрын", "жаңа ғана"),
        ("ru", "5\xa0минут назад", "3\xa0дня назад", "только что"),
        ("en", "5\xa0minutes ago", "3\xa0days ago", "just now"),
    ],
)
def test_how_long_ago_in_each_language(language, minutes, days, now):
    """Django's Kazakh catalogue has no "5 minutes": locale/libraries/kk does."""
    moment = datetime.datetime(2026, 12, 6, 9, 0, tzinfo=datetime.UTC)
    with translation.override(language):
        assert dates.ago(moment - datetime.timedelta(minutes=5), moment) == minutes
        assert dates.ago(moment - datetime.timedelta(days=3, hours=2), moment) == days
        assert dates.ago(moment - datetime.timedelta(seconds=30), moment) == now
