"""The search app's public API: what forum and home call when content changes.

Each call writes an outbox job in the caller's transaction (outbox/): a worker
writes the index after the commit, so a rolled-back write never reaches the
index, a committed one always does, and the request never waits for it. This
module imports nothing of forum or home, so they may import it without a
cycle; the rest of the search app is its own business (import-linter holds
both rules: .importlinter).
"""

from outbox import services as outbox

# Every kind of searchable thing; each has its document (search/documents.py).
KINDS = ("news", "seminar", "practice", "material", "topic", "post", "comment")


def index_later(kind: str, pk: int) -> None:
    """Index (or remove) one row once the current transaction commits."""
    if kind not in KINDS:
        raise ValueError(f"unknown search kind {kind!r}")
    outbox.enqueue("search.index_document", kind, pk)


def index_many_later(kind: str, pks) -> None:
    """`index_later` for many rows of a kind, in one INSERT."""
    if kind not in KINDS:
        raise ValueError(f"unknown search kind {kind!r}")
    outbox.enqueue_many("search.index_document", [[kind, pk] for pk in pks])


def index_topic_later(topic_id: int) -> None:
    """A topic and all its posts: after a change every post document carries."""
    outbox.enqueue("search.index_topic", topic_id)


def index_category_later(category_id: int) -> None:
    """Every topic and post of a category and of its subcategories."""
    outbox.enqueue("search.index_category", category_id)
