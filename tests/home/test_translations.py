"""The kk, ru and en catalogues are complete, and the interface speaks each language."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
LANGUAGES = [code for code, _name in settings.LANGUAGES]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}")


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE_DIR / language / "LC_MESSAGES" / "django.po"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_is_translated(language):
    po = catalogue(language)
    assert not po.untranslated_entries(), [e.msgid for e in po.untranslated_entries()]
    assert not po.fuzzy_entries(), [e.msgid for e in po.fuzzy_entries()]


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_their_placeholders(language):
    for entry in catalogue(language).translated_entries():
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
