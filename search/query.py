"""The search query language, Discourse style.

    free text "exact phrase" -excluded in:title @username #category tags:a,b
    type:news|seminar|practice|material|topic|post|comment lang:kk|ru|en
    before:YYYY-MM-DD after:YYYY-MM-DD status:solved|open|closed
    order:relevance|latest|likes group:off

`parse()` never raises: unknown or malformed filters become messages in
`ParsedQuery.errors`, which the search page shows while it searches with the
rest of the query.

How a query is read:

- Tokens are separated by whitespace. A quote always opens or closes a phrase,
  even in the middle of a word, and a phrase left open runs to the end. Besides
  "straight" quotes, “curly”, „low“ and «guillemet» quotes work too: phones and
  Kazakh and Russian keyboards type those.
- A token with no letter or digit in it ("-", "--", "|", an emoji) matches
  nothing in any backend, so it is dropped rather than searched for.
- `key:value` with an ASCII-letter key is a filter. A key we don't know is an
  error, except where the token is clearly text: "https://…", "localhost:8000",
  or a word ending in a colon ("Note:").
- Filters that take one value (@, #, lang:, before:, after:, status:, order:)
  keep the first; a different second one is reported and ignored.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from itertools import islice

from django.utils.translation import gettext as _

from search.api import KINDS

TYPES = KINDS  # the `type:` filter's values
LANGUAGES = ("kk", "ru", "en")
STATUSES = ("solved", "open", "closed")
ORDERS = ("relevance", "latest", "likes")

FILTERS = (
    "in",
    "tags",
    "type",
    "lang",
    "before",
    "after",
    "status",
    "order",
    "group",
)
MAX_TOKENS = 50
QUOTES = '"“”„«»'


@dataclass
class ParsedQuery:
    terms: list[str] = field(default_factory=list)  # free words, as typed
    phrases: list[str] = field(default_factory=list)  # "quoted phrases"
    excluded: list[str] = field(default_factory=list)  # -words (and -"phrases")
    in_title: bool = False
    username: str | None = None
    category: str | None = None  # slug
    tags: list[str] = field(default_factory=list)  # all must match
    types: list[str] = field(default_factory=list)  # any may match
    language: str | None = None
    before: date | None = None  # strictly before this day
    after: date | None = None  # on or after this day
    status: str | None = None
    order: str = "relevance"
    # A topic's matching posts are one result, a page's language versions
    # another; `group:off` lists every match on its own.
    grouped: bool = True
    errors: list[str] = field(default_factory=list)  # translated messages

    @property
    def text(self) -> str:
        """The free text and phrases, for backends that search one string."""
        return " ".join([*self.terms, *(f'"{p}"' for p in self.phrases)])

    @property
    def has_text(self) -> bool:
        return bool(self.terms or self.phrases)

    @property
    def is_empty(self) -> bool:
        return not (
            self.has_text
            or self.excluded
            or self.username
            or self.category
            or self.tags
            or self.types
            or self.language
            or self.before
            or self.after
            or self.status
        )


def parse(query: str) -> ParsedQuery:
    """Read a search box query; problems become `errors`, never exceptions."""
    reader = _Reader()
    tokens = _tokens(query or "")
    for is_phrase, negated, text in islice(tokens, MAX_TOKENS):
        reader.read(is_phrase, negated, text)
    if next(tokens, None) is not None:
        reader.error(
            _("The query is too long: only its first %(limit)s words were used.")
            % {"limit": MAX_TOKENS}
        )
    reader.finish()
    return reader.query


# Control characters are whitespace here: PostgreSQL refuses a NUL in a query,
# and a tab or a newline pasted into the search box separates words anyway.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_WORD = re.compile(r"\w")
# No re.IGNORECASE: with it, [A-Za-z] also matches ı, İ, ſ and the Kelvin sign.
_FILTER = re.compile(r"([A-Za-z]+):(.*)", re.DOTALL)
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_USERNAME = re.compile(r"@(\w[\w.@+-]*)")  # Django's username characters
_CATEGORY = re.compile(r"#([\w-]+)")
_URL_SCHEMES = ("http", "https", "ftp", "mailto", "tel")
_EXAMPLES = {
    "in": "in:title",
    "tags": "tags:media,ai",
    "type": "type:news|seminar",
    "lang": "lang:kk",
    "before": "before:2026-03-15",
    "after": "after:2026-03-15",
    "status": "status:solved",
    "order": "order:latest",
    "group": "group:off",
}
_ACCEPTED = {
    "in": ("title",),
    "type": TYPES,
    "lang": LANGUAGES,
    "status": STATUSES,
    "order": ORDERS,
    "group": ("off",),
}
_FIELDS = {"lang": "language", "status": "status", "order": "order"}


def _tokens(query: str):
    """Yield (is_phrase, negated, text) for each token.

    A generator, so that the loop over a huge query stops once parse() has read
    MAX_TOKENS tokens and seen that there is one more.
    """
    query = _CONTROL.sub(" ", query)
    i, end = 0, len(query)
    while i < end:
        char = query[i]
        if char.isspace():
            i += 1
        elif char in QUOTES or (char == "-" and i + 1 < end and query[i + 1] in QUOTES):
            negated = char == "-"
            start = i + 2 if negated else i + 1
            close = start
            while close < end and query[close] not in QUOTES:
                close += 1
            yield True, negated, query[start:close]
            i = close + 1
        else:
            start = i
            while i < end and not query[i].isspace() and query[i] not in QUOTES:
                i += 1
            yield False, False, query[start:i]


def _shorten(text: str, limit: int = 40) -> str:
    """Keep echoed values short enough for a message line."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Reader:
    """Builds one ParsedQuery from tokens, remembering which filters it has seen."""

    def __init__(self):
        self.query = ParsedQuery()
        self.kept: dict[str, tuple[object, str]] = {}  # field: (value, token)

    def error(self, message: str):
        if message not in self.query.errors:
            self.query.errors.append(message)

    def read(self, is_phrase: bool, negated: bool, text: str):
        if is_phrase:
            phrase = " ".join(text.split())
            if negated:
                # -"--word" is the same exclusion as -word and --word.
                phrase = phrase.lstrip("- ")
            if _WORD.search(phrase):
                (self.query.excluded if negated else self.query.phrases).append(phrase)
        elif text.startswith("-"):
            word = text.lstrip("-")
            if _WORD.search(word):
                self.query.excluded.append(word)
        elif username := _USERNAME.fullmatch(text):
            self.keep_one("username", username[1], text)
        elif _CATEGORY.fullmatch(text) and _CATEGORY.fullmatch(text.lower()):
            # The second check: "İ".lower() is "i" and a combining dot, not a slug.
            self.keep_one("category", text[1:].lower(), text)
        elif (match := _FILTER.fullmatch(text)) and self.is_filter(*match.groups()):
            self.read_filter(match[1].lower(), match[2], text)
        elif _WORD.search(text):
            self.query.terms.append(text)

    @staticmethod
    def is_filter(key: str, value: str) -> bool:
        """Whether `key:value` is meant as a filter rather than as text."""
        if key.lower() in FILTERS:
            return True
        return not (
            not value  # "Note:"
            or value[0] == "/"  # "https://example.kz"
            or value[0].isdigit()  # "localhost:8000"
            or key.lower() in _URL_SCHEMES  # "mailto:a@b.kz"
        )

    def read_filter(self, key: str, value: str, token: str):
        if key not in FILTERS:
            self.error(
                _("Unknown filter “%(key)s:”. Known filters: %(known)s.")
                % {
                    "key": _shorten(key),
                    "known": ", ".join(f"{name}:" for name in FILTERS),
                }
            )
            return
        if key == "tags":
            # As forum.discussions.services.clean_tags stores them: lower case,
            # no leading "#".
            pieces = [tag.lower().lstrip("#") for tag in value.split(",")]
        elif key == "type":
            pieces = [kind.lower() for kind in re.split(r"[|,]", value)]
        else:
            pieces = [value.lower()]
        pieces = [piece for piece in pieces if piece]
        if not pieces:
            self.error(
                _("“%(key)s:” needs a value, for example “%(example)s”.")
                % {"key": key, "example": _EXAMPLES[key]}
            )
        elif key == "tags":
            self.query.tags.extend(tag for tag in pieces if tag not in self.query.tags)
        elif key in ("before", "after"):
            if (day := self.to_date(key, value)) is not None:
                self.keep_one(key, day, token)
        else:
            for piece in pieces:
                self.read_choice(key, piece, token)

    def read_choice(self, key: str, piece: str, token: str):
        """One value of a filter that takes values from a fixed list."""
        accepted = _ACCEPTED[key]
        if piece not in accepted:
            self.error(
                _(
                    "Unknown value “%(value)s” for “%(key)s:”. "
                    "Accepted values: %(accepted)s."
                )
                % {
                    "value": _shorten(piece),
                    "key": key,
                    "accepted": ", ".join(accepted),
                }
            )
        elif key == "in":
            self.query.in_title = True
        elif key == "group":
            self.query.grouped = False
        elif key == "type":
            if piece not in self.query.types:
                self.query.types.append(piece)
        else:
            self.keep_one(_FIELDS[key], piece, token)

    def to_date(self, key: str, value: str) -> date | None:
        if match := _DATE.fullmatch(value):
            try:
                return date(*map(int, match.groups()))
            except ValueError:
                pass  # 2026-02-30: reported below like any other non-date
        self.error(
            _(
                "“%(value)s” is not a valid date for “%(key)s:”. "
                "Use the format YYYY-MM-DD, for example 2026-03-15."
            )
            % {"value": _shorten(value), "key": key}
        )
        return None

    def keep_one(self, name: str, value: object, token: str):
        """Set a one-value field; a different second value is reported, not used."""
        if name not in self.kept:
            self.kept[name] = (value, token)
            setattr(self.query, name, value)
        elif self.kept[name][0] != value:
            self.error(
                _("“%(ignored)s” was ignored: the query already has “%(kept)s”.")
                % {"ignored": _shorten(token), "kept": _shorten(self.kept[name][1])}
            )

    def finish(self):
        query = self.query
        if query.after and query.before and query.after > query.before:
            query.after = query.before = None
            self.error(_("“after” is later than “before”."))
