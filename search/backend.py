"""Which search backend answers, and the fallback when Elasticsearch is down."""

import logging
from functools import cache

from django.conf import settings

from .backends.base import SearchBackend
from .backends.database import DatabaseBackend
from .backends.elasticsearch import ElasticsearchBackend

logger = logging.getLogger(__name__)


@cache
def _elasticsearch() -> SearchBackend:
    return ElasticsearchBackend.from_settings()


def get_backend() -> SearchBackend:
    """The configured backend: Elasticsearch in production, the database otherwise."""
    if settings.SEARCH_BACKEND == "elasticsearch":
        return _elasticsearch()
    return DatabaseBackend()


def fallback_backend() -> SearchBackend:
    return DatabaseBackend()


def reset():
    """Forget the cached client (settings changed, as in tests)."""
    _elasticsearch.cache_clear()
