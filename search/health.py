"""Is the Elasticsearch index whole? `/healthz`, the search page and the heal
task ask here.

Elasticsearch can be up and still wrong: a cluster that restarted without its
data answers every search with nothing, and the first write after it creates
an index holding that one document. So besides reaching the cluster, this
compares the documents each live index holds with the database index, which
the same outbox jobs write first: an alias that is missing, or an index far
short of the database's count, means the index must be rebuilt (the heal task
does it), and until then the search page answers from the database.
"""

import threading
import time

from django.conf import settings
from django.db.models import Count

from .backend import get_backend
from .backends.base import KINDS, SearchUnavailable
from .models import SearchEntry

# A kind is short when Elasticsearch holds none of a kind the database has,
# or misses more than this share of them (pending jobs account for a few).
SHORT_SHARE = 0.2
SHORT_SLACK = 5


def is_short(in_elasticsearch: int, in_database: int) -> bool:
    if in_database and not in_elasticsearch:
        return True
    missing = in_database - in_elasticsearch
    return missing > max(SHORT_SLACK, SHORT_SHARE * in_database)


def assess() -> dict:
    """The index's state now: "ok", "degraded" (reachable but incomplete or
    built by another mapping) or "down" (unreachable: search uses the
    database). Costs two or three requests to the cluster and one query."""
    if settings.SEARCH_BACKEND != "elasticsearch":
        return {"status": "ok", "backend": settings.SEARCH_BACKEND}
    backend = get_backend()
    try:
        info = backend.health()
        held = backend.counts()
    except SearchUnavailable as error:
        return {"status": "down", "backend": "elasticsearch", "error": str(error)}
    wanted = dict(
        SearchEntry.objects.values_list("kind").annotate(n=Count("pk")).order_by()
    )
    short = [
        kind
        for kind in KINDS
        if kind not in info["missing"] and is_short(held[kind], wanted.get(kind, 0))
    ]
    problems = info["missing"] or short or info["stale"] or info["status"] == "red"
    return {
        "status": "degraded" if problems else "ok",
        "backend": "elasticsearch",
        "cluster": info["status"],
        "missing": info["missing"],
        "short": short,
        "stale": info["stale"],
        "documents": {kind: [held[kind], wanted.get(kind, 0)] for kind in KINDS},
    }


def needs_rebuild(state: dict) -> bool:
    return bool(state.get("missing") or state.get("short"))


class _Remembered:
    """The last assessment, per process, for SEARCH_STATE_SECONDS: the search
    page asks on every search and must not ask the cluster each time."""

    def __init__(self):
        self._lock = threading.Lock()
        self._state: dict | None = None
        self._at = 0.0

    def get(self) -> dict:
        now = time.monotonic()
        with self._lock:
            fresh = now - self._at < settings.SEARCH_STATE_SECONDS
            if self._state is not None and fresh:
                return self._state
            # One caller assesses; the others keep the old answer meanwhile.
            self._at = now
            previous = self._state
        try:
            state = assess()
        except Exception:
            with self._lock:
                self._at = 0.0
            if previous is None:
                raise
            return previous
        with self._lock:
            self._state = state
        return state

    def forget(self) -> None:
        with self._lock:
            self._state, self._at = None, 0.0


remembered = _Remembered()


def elasticsearch_usable() -> bool:
    """Whether searches should go to Elasticsearch right now: it answers and
    its indexes are whole. False sends them to the database, with a notice."""
    state = remembered.get()
    return state["status"] != "down" and not needs_rebuild(state)
