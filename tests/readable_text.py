"""What a reader reads on a page, and the English in it.

Used by the untranslated-text test (tests/test_untranslated.py): a Kazakh or
Russian page may name people, brands and code in Latin letters, but a run of
English words in its interface is a string that missed the catalogue.

Text is what a sighted reader sees (text nodes outside <script>, <style> and
<template>) and what a screen reader or a tooltip reads (the attributes in
READ_ATTRIBUTES, a submit button's value, the page's <title>). Content that says
it is in another language (`lang="en"` on a post, the "English" link of the
language switcher) or that must not be translated (`translate="no"`, <code>,
<pre>, <kbd>, <samp>) is not interface text and is skipped with its subtree;
so is its text where it shows again unmarked, in the page's <title> ("Which
metrics do you report? · Форум").
"""

import re
from html.parser import HTMLParser

READ_ATTRIBUTES = (
    "alt",
    "title",
    "placeholder",
    "aria-label",
    "aria-description",
    "aria-roledescription",
    "aria-placeholder",
    "aria-valuetext",
    "label",
)
UNREAD_ELEMENTS = {"script", "style", "template"}
UNTRANSLATED_ELEMENTS = {"code", "pre", "kbd", "samp", "var"}
VOID_ELEMENTS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
BUTTON_INPUTS = {"submit", "button", "reset"}

# Addresses, file names and handles are not words: `docs.example.kz/a.pdf`,
# `someone@example.kz`, `@aigerim`, `#press-work`.
_NOT_WORDS = re.compile(r"\S*[./@#:_\\]\S*")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")


class _Reader(HTMLParser):
    def __init__(self, language: str):
        super().__init__(convert_charrefs=True)
        self.language = language
        self.texts: list[str] = []
        self.titles: list[str] = []
        self.foreign: list[str] = []
        # One entry per open element: (tag, its text is skipped, it is in
        # another language).
        self._skipping: list[tuple[str, bool, bool]] = []

    @property
    def _foreign(self) -> bool:
        return bool(self._skipping) and self._skipping[-1][2]

    @property
    def _skip(self) -> bool:
        return bool(self._skipping) and self._skipping[-1][1]

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        lang = (attributes.get("lang") or "").split("-")[0].lower()
        foreign = self._foreign or (lang and lang != self.language and tag != "html")
        skip = (
            self._skip
            or foreign
            or tag in UNREAD_ELEMENTS
            or tag in UNTRANSLATED_ELEMENTS
            or attributes.get("translate") == "no"
        )
        if not skip:
            self._read_attributes(tag, attributes)
        if tag not in VOID_ELEMENTS:
            self._skipping.append((tag, skip, bool(foreign)))

    def handle_startendtag(self, tag, attrs):
        if not self._skip:
            self._read_attributes(tag, dict(attrs))

    def handle_endtag(self, tag):
        # Close up to the matching element; HTML lets some end tags be left out.
        for depth in range(len(self._skipping) - 1, -1, -1):
            if self._skipping[depth][0] == tag:
                del self._skipping[depth:]
                return

    def handle_data(self, data):
        if not data.strip():
            return
        if self._foreign:
            self.foreign.append(data.strip())
        elif self._skipping and self._skipping[-1][0] == "title":
            self.titles.append(data)
        elif not self._skip:
            self.texts.append(data)

    def _read_attributes(self, tag, attributes):
        for name in READ_ATTRIBUTES:
            if attributes.get(name):
                self.texts.append(attributes[name])
        if tag == "input" and attributes.get("type") in BUTTON_INPUTS:
            self.texts.append(attributes.get("value") or "")
        if tag == "meta" and attributes.get("name") == "description":
            self.texts.append(attributes.get("content") or "")


def readable_texts(html: str, language: str) -> list[str]:
    """The pieces of text a reader of `html` in `language` reads."""
    reader = _Reader(language)
    reader.feed(html)
    reader.close()
    titles = []
    for title in reader.titles:
        for foreign in reader.foreign:
            title = title.replace(foreign, " ")
        titles.append(title)
    return [" ".join(text.split()) for text in titles + reader.texts]


def english_runs(texts: list[str], allowed: set[str]) -> list[str]:
    """Runs of Latin-letter words in `texts` that are not all `allowed` (lower case).

    A run is the stretch of a text from its first to its last such word, so
    "Log in to reply" is reported once, with the text it stands in.
    """
    found = []
    for text in texts:
        words = [
            match
            for match in _WORD.finditer(_NOT_WORDS.sub(" ", text))
            if match.group().lower().strip("'’") not in allowed
            and len(match.group()) > 1
        ]
        if words:
            cleaned = _NOT_WORDS.sub(" ", text)
            found.append(cleaned[words[0].start() : words[-1].end()])
    return found
