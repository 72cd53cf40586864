"""A real Celery worker, with Redis as the broker, makes a new post searchable."""

import pytest

from forum.discussions import services
from search.backends.base import VISIBILITY_PUBLIC
from search.backends.database import DatabaseBackend
from search.query import parse
from tests.workers import celery_worker, wait_for

WAIT_SECONDS = 60


@pytest.fixture
def worker(redis_url, transactional_db):
    """A worker process on this test's database, consuming from Redis."""
    with celery_worker(redis_url) as process:
        yield process


def test_a_new_post_becomes_searchable_through_a_real_worker(
    worker, make_topic, member2, settings
):
    settings.SEARCH_BACKEND = "database"
    topic = make_topic(title="Worker indexing check")
    post = services.post_create(actor=member2, topic=topic, raw="Zanzibarium metrics.")
    backend = DatabaseBackend()

    def searchable():
        hits = backend.search(
            parse("zanzibarium"), visibilities=(VISIBILITY_PUBLIC,)
        ).hits
        return [(hit.kind, hit.pk) for hit in hits] == [("post", post.pk)]

    wait_for(
        searchable, timeout=WAIT_SECONDS, what="the post searchable", process=worker
    )
