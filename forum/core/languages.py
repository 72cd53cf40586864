"""The forum's three languages, a field in the reader's one, and the widgets
that offer them."""

import re

from django import forms
from django.conf import settings
from django.utils.html import format_html
from django.utils.translation import get_language

LANGUAGE_CHOICES = [("kk", "Қазақша"), ("ru", "Русский"), ("en", "English")]


LANGUAGE_CODES = [code for code, _name in LANGUAGE_CHOICES]


def localized(obj, field: str) -> str:
    """`obj.<field>_<active language>`, falling back through kk, ru, en."""
    language = (get_language() or settings.LANGUAGE_CODE)[:2]
    for code in [language, *LANGUAGE_CODES]:
        value = getattr(obj, f"{field}_{code}", "")
        if value:
            return value
    return ""


class LanguageSelect(forms.Select):
    """Each language named in itself ("English" on a Kazakh page) says so, so
    that a screen reader reads the name with that language's rules."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        if value:
            option["attrs"]["lang"] = value
        return option


class LanguageCheckboxes(forms.CheckboxSelectMultiple):
    """LanguageSelect's marking, for checkboxes: the label's text carries it."""

    option_template_name = "forum/widgets/language_option.html"


# Letters only Kazakh has, in Cyrillic and in the 2021 Latin alphabet.
KAZAKH_CYRILLIC = frozenset("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
KAZAKH_LATIN = frozenset("áǵıńóúşçÁǴŃÓÚŞÇ")
_NOT_PROSE = re.compile(r"```.*?```|`[^`]*`|https?://\S+|[@#][\w.-]+", re.DOTALL)
# Fewer letters than this, and a text's script says too little.
ENOUGH_LETTERS = 12


def detect(text: str, fallback: str) -> str:
    """The language `text` is written in, told from its letters, or `fallback`
    (the topic's language) when there are too few to tell.

    Cyrillic in which one letter in twenty or more is one only Kazakh has is
    Kazakh (Kazakh prose has about one in ten; a Kazakh name in Russian text
    far fewer), other Cyrillic Russian; Latin likewise English or Kazakh. A
    quote in another language inside a post does not change its language if
    most of it is in one: the larger script wins.
    """
    cyrillic = kazakh = latin = 0
    for char in _NOT_PROSE.sub(" ", text):
        if "\u0400" <= char <= "\u04ff":
            cyrillic += 1
            kazakh += char in KAZAKH_CYRILLIC
        elif char.isascii() and char.isalpha():
            latin += 1
        elif char in KAZAKH_LATIN:
            latin += 1
            kazakh += 1
    if cyrillic + latin < ENOUGH_LETTERS:
        return fallback
    if cyrillic >= latin:
        return "kk" if kazakh * 20 >= cyrillic else "ru"
    return "kk" if kazakh * 20 >= latin else "en"


def lang_attribute(language: str | None) -> str:
    """` lang="en"` for content in `language` on a page in another one, so that
    a screen reader reads it with the right rules; nothing otherwise."""
    if not language or language == (get_language() or settings.LANGUAGE_CODE)[:2]:
        return ""
    return format_html(' lang="{}"', language)
