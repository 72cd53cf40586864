"""Recording side effects: what `forum`, `search` and `home` call.

`enqueue("search.index_document", "post", 42)` writes a job row in the caller's
transaction. If the transaction rolls back, the job is gone with it; when it
commits, a job due now is published to the workers at once, costing no query
(it was written already marked as dispatched). A job that is due later, or
written while the broker is known to be down, waits for the relay.
"""

from datetime import datetime, timedelta
from functools import partial

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Count, Min, Q
from django.utils import timezone

from . import registry, tasks
from .models import Job


def enqueue(
    action: str,
    *args,
    delay: float | None = None,
    due_at: datetime | None = None,
    using: str = DEFAULT_DB_ALIAS,
    **kwargs,
) -> Job:
    """Record that `action(*args, **kwargs)` must run once this write commits,
    or `delay` seconds later, or at `due_at`. (An action cannot take keyword
    arguments named like these three.)"""
    registry.get(action)  # a misspelt name fails here, in the writer's tests
    now = timezone.now()
    if delay:
        due_at = now + timedelta(seconds=delay)
    send_at_commit = _send_at_commit(due_at, now)
    job = Job.objects.using(using).create(
        action=action,
        args=list(args),
        kwargs=kwargs,
        due_at=due_at or now,
        dispatched_at=now if send_at_commit else None,
    )
    if send_at_commit:
        transaction.on_commit(partial(tasks.publish, job.pk), using=using)
    return job


def enqueue_many(
    action: str, calls, *, delay: float | None = None, using: str = DEFAULT_DB_ALIAS
) -> int:
    """`enqueue` for many argument lists in one INSERT (an e-mail per
    notification, a digest per member); `calls` holds the argument lists."""
    registry.get(action)
    now = timezone.now()
    due_at = now + timedelta(seconds=delay or 0)
    # Without ids back from the INSERT there is nothing to publish: the relay
    # sends them.
    send_at_commit = (
        _send_at_commit(due_at, now)
        and connections[using].features.can_return_rows_from_bulk_insert
    )
    jobs = Job.objects.using(using).bulk_create(
        [
            Job(
                action=action,
                args=list(args),
                due_at=due_at,
                dispatched_at=now if send_at_commit else None,
            )
            for args in calls
        ]
    )
    if send_at_commit:
        pks = [job.pk for job in jobs]
        transaction.on_commit(partial(tasks.publish_all, pks), using=using)
    return len(jobs)


def _send_at_commit(due_at: datetime | None, now: datetime) -> bool:
    """Publish at commit: due now and the broker not known to be down; and
    always under eager Celery (`make run`, tests), which has no relay and, like
    Celery's own eager mode with countdowns, does not wait for due times."""
    if tasks.eager():
        return True
    return (due_at is None or due_at <= now) and not tasks.broker.is_open()


def backlog() -> dict:
    """Pending jobs, those due, those that have failed at least once, those
    given up, and how long the oldest due one has been waiting."""
    now = timezone.now()
    row = Job.objects.pending().aggregate(
        pending=Count("pk"),
        due=Count("pk", filter=Q(due_at__lte=now)),
        failing=Count("pk", filter=~Q(last_error="")),
        oldest_due=Min("due_at", filter=Q(due_at__lte=now)),
    )
    row["failed"] = Job.objects.failed().count()
    oldest = row.pop("oldest_due")
    row["oldest_due_seconds"] = (
        round((now - oldest).total_seconds(), 1) if oldest else 0.0
    )
    return row


def failing(*, attempts: int) -> int:
    """Pending jobs that have failed at least `attempts` times."""
    return Job.objects.failing().filter(attempts__gte=attempts).count()


def retry_failed() -> int:
    """Give every failed job another go, from now (`manage.py outbox`)."""
    return Job.objects.failed().update(
        failed_at=None,
        attempts=0,
        due_at=timezone.now(),
        dispatched_at=None,
        started_at=None,
    )
