"""Text analysis for the database backend, mirroring the Elasticsearch analyzers.

Every word becomes a small set of terms: its Russian and English Snowball stems
(the algorithms behind Elasticsearch's `russian` and `english` analyzers), its
light Kazakh stem, and its cross-script key, which is the same for Kazakh
written in Cyrillic or in Latin. A query word matches a document when the two
sets meet, so a reader need not say which language or script they typed in.
"""

import re
from functools import lru_cache
from html import escape

import snowballstemmer

from .language import KAZAKH_STOP_WORDS, analyse_key, key_stem, kk_stem, script_key

WORD = re.compile(r"\w+", re.UNICODE)
SNIPPET_WORDS = 32

_russian = snowballstemmer.stemmer("russian")
_english = snowballstemmer.stemmer("english")


@lru_cache(maxsize=50_000)
def word_terms(word: str) -> frozenset[str]:
    """Every form a word is stored and searched under."""
    lower = word.lower()
    terms = {lower, "k:" + key_stem(script_key(lower))}
    if re.search(r"[а-яёәғқңөұүһі]", lower):
        terms.add(_russian.stemWord(lower.replace("ё", "е")))
        if lower not in KAZAKH_STOP_WORDS:
            terms.add(kk_stem(lower))
    else:
        terms.add(_english.stemWord(lower))
    return frozenset(term for term in terms if term)


def terms(text: str) -> list[str]:
    """The distinct terms of a text, for storing."""
    seen: set[str] = set()
    for word in WORD.findall(text or ""):
        seen |= word_terms(word)
    return sorted(seen)


def stored(text: str) -> str:
    """Terms as one space-padded string: " a b c ", so " term " can be looked up."""
    return " " + " ".join(terms(text)) + " "


def key_sequence(*texts: str) -> str:
    """Each word's cross-script key stem, in the order of the text, padded
    with spaces; texts apart are kept apart by " | ". A phrase is found in
    any inflection and either script as " key key " in this string: the same
    keys Elasticsearch's `*_key` fields hold, position by position."""
    return " " + " | ".join(" ".join(analyse_key(text or "")) for text in texts) + " "


def phrase_keys(phrase: str) -> str:
    """A phrase as key_sequence() holds it, or "" when no key is left."""
    return " ".join(analyse_key(phrase))


def highlight(text: str, query_words: list[str]) -> str:
    """A short, escaped excerpt of `text` with <mark> around the matching words."""
    wanted: set[str] = set()
    for word in query_words:
        wanted |= word_terms(word)
    tokens = list(WORD.finditer(text))
    if not tokens:
        return ""
    hits = [i for i, token in enumerate(tokens) if word_terms(token.group()) & wanted]
    start = max(hits[0] - SNIPPET_WORDS // 3, 0) if hits else 0
    end = min(start + SNIPPET_WORDS, len(tokens))
    first, last = tokens[start].start(), tokens[end - 1].end()
    out, cursor = [], first
    for i in range(start, end):
        token = tokens[i]
        out.append(escape(text[cursor : token.start()]))
        if i in hits:
            out.append(f"<mark>{escape(token.group())}</mark>")
        else:
            out.append(escape(token.group()))
        cursor = token.end()
    out.append(escape(text[cursor:last]))
    prefix = "… " if first > 0 else ""
    suffix = " …" if last < len(text) else ""
    return prefix + "".join(out) + suffix
