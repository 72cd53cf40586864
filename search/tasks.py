"""Celery tasks that write the search index. They take ids only and re-read rows."""

import logging

from celery import shared_task

from forum.models import Post, Topic

from . import services
from .backends.base import KINDS, SearchUnavailable
from .documents import documents, post_document, topic_document

logger = logging.getLogger(__name__)

RETRY = {
    "autoretry_for": (SearchUnavailable,),
    "retry_backoff": 2,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 10,
}


@shared_task(ignore_result=True, **RETRY)
def index_document(kind: str, pk: int):
    """Idempotent: writes what the row is now, or removes what is gone."""
    services.index_now(kind, pk)


@shared_task(ignore_result=True, **RETRY)
def index_topic(topic_id: int):
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


@shared_task(ignore_result=True)
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
