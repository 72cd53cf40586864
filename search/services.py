"""Keeping the search index in step with the content.

Services that change content call `index_later()`; the work is an outbox job
written in the same transaction and run by a worker after the commit, so a
rolled-back write never reaches the index, a committed one always does, and
the web request never waits for it. Every document goes to the
database index, which is the fallback, and to Elasticsearch when it is the
configured backend.
"""

import logging

from django.conf import settings

from outbox import services as outbox

from .backend import get_backend
from .backends.base import KINDS, SearchBackend
from .backends.database import DatabaseBackend
from .documents import document_for

logger = logging.getLogger(__name__)


def writers() -> list[SearchBackend]:
    backends: list[SearchBackend] = [DatabaseBackend()]
    if settings.SEARCH_BACKEND == "elasticsearch":
        backends.append(get_backend())
    return backends


def index_later(kind: str, pk: int) -> None:
    """Index (or remove) one row once the current transaction commits.

    An outbox job, written with the change: it cannot be lost to a broker or
    search outage, only delayed (search/tasks.py runs it).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown search kind {kind!r}")
    outbox.enqueue("search.index_document", kind, pk)


def index_topic_later(topic_id: int) -> None:
    """A topic and all its posts: after a change every post document carries."""
    outbox.enqueue("search.index_topic", topic_id)


def index_category_later(category_id: int) -> None:
    """Every topic and post of a category and of its subcategories."""
    outbox.enqueue("search.index_category", category_id)


def index_now(kind: str, pk: int) -> bool:
    """Write the current document for a row, or delete it. Returns whether it exists."""
    if kind not in KINDS:
        raise ValueError(f"unknown search kind {kind!r}")
    document = document_for(kind, pk)
    for backend in writers():
        if document is None:
            backend.delete(kind, [pk])
        else:
            backend.index([document])
    return document is not None


def index_many_now(documents, deletions) -> None:
    for backend in writers():
        if documents:
            backend.index(documents)
        for kind, pks in deletions.items():
            if pks:
                backend.delete(kind, pks)
