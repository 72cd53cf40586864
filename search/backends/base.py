"""What every search backend does, so that both pass one behavioural suite.

A backend stores flat documents (search.documents builds them from rows) and
answers a ParsedQuery for a reader. Backends never decide visibility on their
own: the caller passes what the reader may see, and every query filters by it.
"""

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime

from search.api import KINDS  # noqa: F401 - the backends' own name for it
from search.query import ParsedQuery

# The kinds that belong to a forum category.
FORUM_KINDS = ("topic", "post")
# Kinds with a title of their own (posts and comments answer to their topic's
# or page's): what the title suggestions search.
TITLED = ("news", "seminar", "practice", "material", "topic")
UNTITLED = ("post", "comment")
# Kinds whose documents of one group are translations of one page: a group
# shows the reader's language version, and names the others.
TRANSLATED_KINDS = ("news", "seminar", "practice")
# Relevance multiplies a document's score by these. The reader's language
# first, other languages after. Then what editors publish before what is said
# about it: a search for "семинар" opens on the seminar, then its news, then
# the discussion. Elasticsearch scores each kind's index with that index's own
# word statistics, so without a prior a rare word in the posts index outranks
# the page; the database's ts_rank has no such statistics, and the same
# priors keep both backends' order alike (docs/search.md, "Ranking").
LANGUAGE_BOOST = 2.0
KIND_BOOST = {
    "seminar": 3.0,
    "practice": 2.5,
    "news": 2.0,
    "material": 1.5,
    "topic": 1.2,
    "post": 1.0,
    "comment": 1.0,
}
# Matches listed per group (the first, and up to three more of the topic).
GROUP_SIZE = 4
VISIBILITY_PUBLIC = "public"
VISIBILITY_MEMBERS = "members"


class SearchUnavailable(ConnectionError):
    """The search service cannot be reached; callers fall back or retry.

    A ConnectionError, so that the outbox logs it as a dependency being down
    (one line) rather than a bug (a traceback)."""


@dataclass
class SearchDocument:
    """One searchable thing. `kind` + `pk` identify it; the rest is flattened in."""

    kind: str  # one of KINDS
    pk: int  # the row's primary key
    title: str
    body: str
    url: str
    language: str  # kk, ru or en
    visibility: str  # public or members
    created_at: datetime
    updated_at: datetime | None = None
    author: str = ""  # username
    category: str = ""  # category slug (forum) or "" (pages)
    category_name: str = ""
    tags: list[str] = field(default_factory=list)
    likes: int = 0
    is_answer: bool = False  # a post accepted as its topic's answer
    status: str = ""  # topics and posts: solved, open or closed
    topic_title: str = ""  # posts: the topic they belong to
    # What a grouped search shows as one result: "topic:<id>" for a topic and
    # its posts, "page:<translation key>" for a page's language versions, the
    # document's own key for everything else.
    group: str = ""
    # Materials: the title each language's seminar gives the file, {"ru": …};
    # the search page shows the reader's.
    titles: dict[str, str] = field(default_factory=dict)

    def __post_init__(self):
        self.group = self.group or self.key

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.pk}"


@dataclass
class Hit:
    kind: str
    pk: int
    title: str
    url: str
    language: str
    created_at: datetime
    snippet: str  # safe HTML: escaped text with <mark> around matches
    author: str = ""
    category_name: str = ""
    topic_title: str = ""
    likes: int = 0
    is_answer: bool = False
    score: float = 0.0
    group: str = ""
    titles: dict[str, str] = field(default_factory=dict)  # SearchDocument.titles
    # In a grouped search, the group's result carries its other matches: the
    # topic's other matching posts, the page's other language versions (best
    # first, at most GROUP_SIZE - 1), and how many more matched than that.
    others: list["Hit"] = field(default_factory=list)
    more: int = 0


def fold(group: list[Hit], total: int, language: str | None) -> Hit:
    """One result from a group's matches, best first (`total` matched in all).

    A page's language versions show the reader's version, when it matched,
    with the others named beside it; a topic shows its best match first.
    """
    head = group[0]
    if head.kind in TRANSLATED_KINDS:
        head = next((hit for hit in group if hit.language == language), head)
    head.others = [hit for hit in group if hit is not head]
    head.more = max(total - len(group), 0)
    return head


@dataclass
class Facet:
    value: str
    count: int


@dataclass
class SearchResults:
    hits: list[Hit]
    total: int  # results: groups in a grouped search, else documents
    facets: dict[str, list[Facet]]  # "type", "category", "language", "year"
    suggestion: str | None = None  # "did you mean", when nothing was found
    backend: str = ""
    # More than `total` documents matched: the backend stopped counting there
    # (the database backend's match cap), and facets count those `total` only.
    capped: bool = False
    matches: int = 0  # documents that matched (more than `total` when grouped)

    def __post_init__(self):
        self.matches = self.matches or self.total


class SearchBackend(ABC):
    name = "base"

    @abstractmethod
    def index(self, documents: list[SearchDocument]) -> None:
        """Add or replace these documents."""

    @abstractmethod
    def delete(self, kind: str, pks: list[int]) -> None:
        """Remove documents; missing ones are ignored."""

    @abstractmethod
    def search(
        self,
        query: ParsedQuery,
        *,
        visibilities: tuple[str, ...],
        readable_categories: tuple[str, ...] | None = None,
        page: int = 1,
        per_page: int = 10,
        language: str | None = None,
    ) -> SearchResults:
        """The reader's page of results, filtered to `visibilities`.

        Unless the query says `group:off`, a result is a group of documents
        (SearchDocument.group), placed by its best match and folded into one
        Hit by `fold()`: a page in the reader's `language` when that version
        matched, a topic with its other matching posts. `total` then counts
        groups and `matches` documents.

        `readable_categories` (slugs; None: all) are the forum categories the
        reader may read *now*: topics and posts of any other are left out. A
        document stores its category's slug and visibility as they were when
        it was indexed, and a category that has just become members-only, or
        changed its slug, is re-indexed in the background; meanwhile only this
        list keeps its topics from a visitor.
        """

    @abstractmethod
    def suggest_titles(
        self,
        prefix: str,
        *,
        visibilities: tuple[str, ...],
        readable_categories: tuple[str, ...] | None = None,
        limit: int = 8,
    ) -> list[Hit]:
        """Titles that start like `prefix`, for suggestions while typing."""

    @abstractmethod
    def indexed_keys(self, kind: str) -> dict[int, datetime | None]:
        """{pk: updated_at} of what the index holds, for the drift repair."""

    @abstractmethod
    def rebuild(self, documents, *, progress=None) -> int:
        """Replace the whole index with `documents` (an iterable); returns the count.

        Readers keep getting results from the old index until the new one is
        complete.
        """
