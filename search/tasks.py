"""Search indexing: the outbox actions that write the index, and beat's repair.

Actions take ids only and re-read rows; they are idempotent, so a job that
runs twice (a lost worker, a redelivered message) writes the same documents.
A search outage makes them raise SearchUnavailable, and the outbox tries again
later with a back-off, for as long as the outage lasts.
"""

import logging

from celery import shared_task

from forum.models import Post, Topic
from outbox import services as outbox
from outbox.registry import action

from . import services
from .backends.base import KINDS
from .documents import documents, post_document, topic_document

logger = logging.getLogger(__name__)


@action("search.index_document")
def index_document_now(kind: str, pk: int):
    """Writes what the row is now, or removes what is gone."""
    services.index_now(kind, pk)


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
    services.index_many_now(found, gone)


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
    for backend in services.writers():
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

