"""The synchronous indexer: what a search action writes, to every backend.

Every document goes to the database index, which is the fallback, and to
Elasticsearch when it is the configured backend. The outbox actions in
search/tasks.py call these; search/api.py is how the rest of the site asks for
them.
"""

from django.conf import settings

from .backend import get_backend
from .backends.base import KINDS, SearchBackend
from .backends.database import DatabaseBackend
from .documents import document_for


def writers() -> list[SearchBackend]:
    backends: list[SearchBackend] = [DatabaseBackend()]
    if settings.SEARCH_BACKEND == "elasticsearch":
        backends.append(get_backend())
    return backends


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
