"""Search indexing: the outbox actions that write the index, and beat's repair.

Actions take ids only and re-read rows; they are idempotent, so a job that
runs twice (a lost worker, a redelivered message) writes the same documents.
A search outage makes them raise SearchUnavailable, and the outbox tries again
later with a back-off, for as long as the outage lasts.
"""

import logging
import zlib
from contextlib import contextmanager

from celery import shared_task
from django.core.cache import cache
from django.db import connection
from django.db.models import Q

from forum.models import Post, Topic
from outbox import services as outbox
from outbox.registry import action

from . import health, indexer
from .backend import get_backend
from .backends.base import KINDS
from .documents import all_documents, documents, post_document, topic_document

logger = logging.getLogger(__name__)


@action("search.index_document")
def index_document_now(kind: str, pk: int):
    """Writes what the row is now, or removes what is gone."""
    indexer.index_now(kind, pk)


@action("search.index_topic")
def index_topic_now(topic_id: int):
    """The topic and its posts, after a change they all carry (title, status...)."""
    topic = (
        Topic.objects.select_related("category", "category__parent", "author")
        .filter(pk=topic_id)
        .first()
    )
    if topic is None:
        return
    posts = list(
        Post.objects.filter(topic=topic).select_related("author").order_by("number")
    )
    for post in posts:
        post.topic = topic
    first = next((p for p in posts if p.number == 1), None)
    found, gone = [], {"topic": [], "post": []}
    pairs = [("topic", topic.pk, topic_document(topic, first))]
    pairs += [("post", p.pk, post_document(p)) for p in posts if p.number != 1]
    for kind, pk, document in pairs:
        if document is None:
            gone[kind].append(pk)
        else:
            found.append(document)
    indexer.index_many_now(found, gone)


@action("search.index_category")
def index_category_now(category_id: int):
    """One job per topic of the category and its subcategories: a large
    category's re-indexing spreads over the workers and never outlives a
    task's time limit."""
    topics = Topic.objects.filter(
        Q(category_id=category_id) | Q(category__parent_id=category_id)
    ).values_list("pk", flat=True)
    outbox.enqueue_many("search.index_topic", [[pk] for pk in topics])


# Messages queued by the release before the outbox still arrive under these
# names after a deploy; each becomes an outbox job.


@shared_task(name="search.tasks.index_document", ignore_result=True)
def index_document(kind: str, pk: int):
    outbox.enqueue("search.index_document", kind, pk)


@shared_task(name="search.tasks.index_topic", ignore_result=True)
def index_topic(topic_id: int):
    outbox.enqueue("search.index_topic", topic_id)


@shared_task(name="search.tasks.repair_index", ignore_result=True)
def repair_index():
    """Find and fix drift between the database and the index (celery beat)."""
    fixed = 0
    for backend in indexer.writers():
        for kind in KINDS:
            wanted = {doc.pk: doc for doc in documents(kind)}
            held = backend.indexed_keys(kind)
            missing = [doc for pk, doc in wanted.items() if pk not in held]
            stale = [
                doc
                for pk, doc in wanted.items()
                if pk in held
                and held[pk] is not None
                and doc.updated_at
                and held[pk] < doc.updated_at
            ]
            extra = [pk for pk in held if pk not in wanted]
            if missing or stale:
                backend.index(missing + stale)
            if extra:
                backend.delete(kind, extra)
            count = len(missing) + len(stale) + len(extra)
            if count:
                logger.info(
                    "search drift repaired in %s/%s: %d missing, %d stale, %d extra",
                    backend.name,
                    kind,
                    len(missing),
                    len(stale),
                    len(extra),
                )
            fixed += count
    return fixed


# A rebuild of a large index outlasts the default task time limit.
HEAL_TIME_LIMIT = 6 * 60 * 60
HEAL_RESTING_KEY = "search:heal:resting"
HEAL_REST_SECONDS = 60 * 60


@shared_task(
    name="search.tasks.heal_index",
    ignore_result=True,
    # Acknowledged on receipt: a long rebuild must not come back from the
    # broker's visibility timeout while it still runs. If its worker dies,
    # the next run (SEARCH_HEAL_INTERVAL later) finds the index still short.
    acks_late=False,
    time_limit=HEAL_TIME_LIMIT,
    soft_time_limit=HEAL_TIME_LIMIT - 60,
)
def heal_index() -> str:
    """celery beat, every SEARCH_HEAL_INTERVAL: rebuild Elasticsearch from the
    database when an index is missing or far short of its documents, as after
    a cluster restarted empty. Returns what it found or did."""
    state = health.assess()
    if not health.needs_rebuild(state):
        return state["status"]
    if cache.get(HEAL_RESTING_KEY):
        return "resting after a rebuild that did not help"
    with _only_one("search.heal_index") as mine:
        if not mine:
            return "rebuilding elsewhere"
        logger.warning(
            "search index incomplete (missing %s, short %s): rebuilding Elasticsearch",
            state["missing"] or "none",
            state["short"] or "none",
        )
        count = get_backend().rebuild(all_documents())
        # The remembered state is the web processes'; forgetting it here only
        # matters where they share this process (eager Celery, `make run`).
        health.remembered.forget()
        logger.warning("search index rebuilt: %d documents", count)
        after = health.assess()
        if health.needs_rebuild(after):
            # Elasticsearch now holds every document there is: it is the
            # database index that is off (repair_index puts it right). Do not
            # rebuild every minute meanwhile.
            cache.set(HEAL_RESTING_KEY, True, HEAL_REST_SECONDS)
            logger.warning(
                "search index still short of the database index after a rebuild "
                "(%s); not rebuilding again for an hour",
                after["documents"],
            )
    return "rebuilt"


@contextmanager
def _only_one(name: str):
    """A PostgreSQL advisory lock for the duration, released if the worker
    dies; yields whether this process holds it. Other databases: always."""
    if connection.vendor != "postgresql":
        yield True
        return
    key = zlib.crc32(name.encode())
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        held = cursor.fetchone()[0]
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
