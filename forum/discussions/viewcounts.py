"""Topic views, counted without a database write per page view.

A view counts once per reader, topic and WINDOW (an hour, as issue #13 asks;
Discourse counts once a day): members by id, visitors by a hash of their
address and browser, for no session is made for a visitor. `cache.add`
decides atomically whether this is the reader's first view in the window.

Counted views wait in a Redis hash (HINCRBY, one field per topic) when the
default cache is Redis; `flush`, which celery beat runs every minute
(settings.CELERY_BEAT_SCHEDULE), moves them into Topic.view_count with one
UPDATE. Without Redis (the embedded `make run` on the local-memory cache) a
counted view is one UPDATE at once, which a single process can afford.

Views are advisory: during a cache outage they are not counted, and a flush
that fails puts its counts back, or, if Redis is gone too, loses them.
Nothing here ever fails a page.
"""

import hashlib
import logging

from django.core.cache import cache
from django.db.models import Case, F, Value, When
from redis.exceptions import RedisError

from forum.members.ratelimit import client_ip
from forum.models import Topic

logger = logging.getLogger(__name__)

WINDOW = 60 * 60
PENDING = "forum:views:pending"
ERRORS = (RedisError, OSError)


def viewer(request) -> str:
    """Who is reading: a member's id, or a visitor's address and browser."""
    if request.user.is_authenticated:
        return member(request.user.pk)
    return visitor(request)


def member(user_id: int) -> str:
    return f"u:{user_id}"


def visitor(request) -> str:
    agent = request.META.get("HTTP_USER_AGENT", "")
    digest = hashlib.blake2b(
        f"{client_ip(request)}\n{agent}".encode(), digest_size=12
    ).hexdigest()
    return f"a:{digest}"


def record(topic_id: int, reader: str) -> bool:
    """Count `reader`'s view of the topic unless counted within WINDOW."""
    if not cache.add(f"forum:viewed:{topic_id}:{reader}", True, timeout=WINDOW):
        return False
    redis = _redis()
    if redis is None:
        Topic.objects.filter(pk=topic_id).update(view_count=F("view_count") + 1)
        return True
    try:
        redis.hincrby(cache.make_key(PENDING), str(topic_id), 1)
    except ERRORS as error:
        logger.debug("view of topic %s not counted: %s", topic_id, error)
        return False
    return True


def count_cached_view(sender, request, notes, member_id=None, **kwargs):
    """pagecache.served_from_cache: a visitor, or a member, read a topic page
    from the cache."""
    if topic_id := notes.get("topic_view"):
        record(topic_id, member(member_id) if member_id else visitor(request))


def pending() -> dict[int, int]:
    """Counted views not yet in the database, by topic."""
    redis = _redis()
    return _counts(redis.hgetall(cache.make_key(PENDING))) if redis else {}


def flush() -> int:
    """Move the pending views into Topic.view_count; returns how many."""
    redis = _redis()
    if redis is None:
        return 0
    key = cache.make_key(PENDING)
    with redis.pipeline(transaction=True) as pipe:
        pipe.hgetall(key)
        pipe.delete(key)
        taken, _deleted = pipe.execute()
    counts = _counts(taken)
    if not counts:
        return 0
    try:
        _add_views(counts)
    except Exception:
        # Put them back for the next flush, then let the task report it.
        with redis.pipeline(transaction=False) as pipe:
            for topic, count in counts.items():
                pipe.hincrby(key, str(topic), count)
            pipe.execute()
        raise
    return sum(counts.values())


def _add_views(counts: dict[int, int]) -> None:
    """One UPDATE for every topic's views (a topic deleted meanwhile: none).

    Topics are grouped by how many views they gained, so the CASE has a branch
    per distinct count, not per topic.
    """
    by_count: dict[int, list[int]] = {}
    for topic, count in counts.items():
        by_count.setdefault(count, []).append(topic)
    gained = Case(
        *(When(pk__in=topics, then=Value(n)) for n, topics in by_count.items()),
        default=Value(0),
    )
    Topic.objects.filter(pk__in=counts).update(view_count=F("view_count") + gained)


def _counts(fields: dict) -> dict[int, int]:
    """A Redis hash of topic id to views, as numbers."""
    return {int(topic): int(count) for topic, count in fields.items()}


def _redis():
    """The default cache's Redis client, or None when the cache is not Redis."""
    backend = getattr(cache, "_cache", None)
    get_client = getattr(backend, "get_client", None)
    return get_client(write=True) if get_client else None
