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


@dataclass
class Facet:
    value: str
    count: int


@dataclass
class SearchResults:
    hits: list[Hit]
    total: int
    facets: dict[str, list[Facet]]  # "type", "category", "language", "year"
    suggestion: str | None = None  # "did you mean", when nothing was found
    backend: str = ""
    # More than `total` documents matched: the backend stopped counting there
    # (the database backend's match cap), and facets count those `total` only.
    capped: bool = False


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
    ) -> SearchResults:
        """The reader's page of results, filtered to `visibilities`.

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
