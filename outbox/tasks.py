"""The relay that hands due jobs to Celery, and the task that runs one job.

A job due now is marked dispatched when it is written and published when its
transaction commits (`outbox.services.enqueue`). Everything else goes through
`dispatch()`, which the relay (celery beat, every OUTBOX_RELAY_INTERVAL
seconds) runs in batches:
jobs whose publish found the broker down, delayed jobs that have come due,
failed jobs whose back-off is over, jobs whose message was lost (dispatched,
never started, and the queue is empty) and jobs whose worker died (started
more than a lease ago, never finished).

`run(job_id)` claims the job, calls its action and marks it done; an action
that raises puts the job back with an exponential back-off, however often it
fails for a dependency being down; an action that fails for any other reason
(a bug, data that cannot be written) is given up after OUTBOX_MAX_ATTEMPTS
and reported by health. Nothing is dropped silently.
"""

import logging
import random
import threading
import time
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import F
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from . import registry
from .models import Job, lease

logger = logging.getLogger(__name__)

RUN_TASK = "outbox.run"

# How publishing fails when the broker is down or unreachable: kombu raises its
# connection and channel errors as this one.
PUBLISH_ERRORS = (BrokerError,)


class _BrokerBreaker:
    """Remembers, per process, that the broker just failed, so that the next
    writers' nudges do not each wait for a connection timeout. The relay in
    celery beat keeps trying: it is how the jobs go out once the broker is back."""

    def __init__(self):
        self._lock = threading.Lock()
        self._open_until = 0.0

    def is_open(self) -> bool:
        return time.monotonic() < self._open_until

    def trip(self) -> None:
        with self._lock:
            self._open_until = time.monotonic() + settings.OUTBOX_BROKER_COOLDOWN

    def reset(self) -> None:
        with self._lock:
            self._open_until = 0.0


broker = _BrokerBreaker()


def dispatch() -> int:
    """Hand ready jobs to Celery; returns how many went.

    The jobs are marked dispatched in a short transaction that skips rows
    another relay has locked, and published after it commits, so no broker
    round trip happens under a database lock.
    """
    now = timezone.now()
    queue_empty = _queue_is_empty()
    with transaction.atomic():
        pks = list(
            Job.objects.ready(now, queue_empty=queue_empty)
            .select_for_update(skip_locked=True)
            .order_by("due_at", "pk")
            .values_list("pk", flat=True)[: settings.OUTBOX_RELAY_BATCH]
        )
        if not pks:
            return 0
        Job.objects.filter(pk__in=pks).update(dispatched_at=now)
    return publish_all(pks, even_if_down=True)


def _queue_is_empty() -> bool:
    """Whether the jobs' queue holds no message: then a job dispatched a while
    ago and still not started has lost its message (a broker restarted
    without its data). False when the broker cannot say."""
    if eager():
        return False
    try:
        with run.app.connection_for_read() as connection:
            _name, count, _consumers = connection.default_channel.queue_declare(
                queue=run.app.conf.task_default_queue, passive=True
            )
    except Exception:  # noqa: BLE001 - unknown: assume messages are queued
        return False
    return count == 0


def publish(job_id: int, *, even_if_down: bool = False) -> bool:
    """Send one dispatched job to the workers; False when the broker failed.

    Never raises for the broker: the writer's request must not fail for it, and
    a job that did not go out is waiting again for the relay. While the broker
    breaker is open nothing is tried (one hanging broker costs one writer a
    socket timeout, not every job of every write), except by the relay
    (`even_if_down`), which is how the jobs go out once the broker is back.
    """
    if broker.is_open() and not even_if_down:
        _undispatch([job_id])
        return False
    try:
        # No retries: a writer's request must not wait for the broker.
        run.apply_async((job_id,), retry=False)
    except PUBLISH_ERRORS as error:
        broker.trip()
        logger.warning("outbox: broker unavailable, job %s waits: %s", job_id, error)
        _undispatch([job_id])
        return False
    broker.reset()
    return True


def publish_all(pks: list[int], *, even_if_down: bool = False) -> int:
    """`publish` each job until the broker fails; the rest wait for the relay,
    released in one UPDATE. Returns how many went."""
    for sent, pk in enumerate(pks):
        if not publish(pk, even_if_down=even_if_down):
            _undispatch(pks[sent + 1 :])
            return sent
    return len(pks)


def _undispatch(pks: list[int]) -> None:
    """Back to waiting, so the relay sends them without waiting for the lease."""
    if not pks:
        return
    try:
        Job.objects.filter(pk__in=pks, started_at__isnull=True).update(
            dispatched_at=None
        )
    except DatabaseError as error:
        # Their lease runs out and the relay takes them then.
        logger.warning("outbox: could not release jobs %s: %s", pks, error)


def eager() -> bool:
    """Eager Celery (`make run`, tests): jobs run in-process when published."""
    return bool(run.app.conf.task_always_eager)


def propagates_errors() -> bool:
    """Eager Celery with propagation (the tests): an action's error surfaces in
    the code that caused it instead of only in the job row."""
    return eager() and bool(run.app.conf.task_eager_propagates)


def backoff(attempts: int) -> timedelta:
    """2, 4, 8 … seconds after each failure, at most OUTBOX_BACKOFF_MAX, with
    jitter so that jobs failing together do not come back together."""
    seconds = min(2**attempts, settings.OUTBOX_BACKOFF_MAX)
    return timedelta(seconds=seconds * random.uniform(0.8, 1.0))  # noqa: S311


def run_job(job_id: int) -> str:
    """Claim the job, run its action, record the outcome. Returns what happened."""
    now = timezone.now()
    with transaction.atomic():
        job = (
            Job.objects.pending()
            .select_for_update(skip_locked=True)
            .filter(pk=job_id)
            .first()
        )
        if job is None:
            return "done or claimed"
        if job.started_at is not None and job.started_at > now - lease():
            return "running elsewhere"
        Job.objects.filter(pk=job.pk).update(started_at=now, attempts=F("attempts") + 1)
    attempts = job.attempts + 1
    try:
        registry.get(job.action)(*job.args, **job.kwargs)
    except Exception as error:
        _record_failure(job, attempts, error)
        if propagates_errors():
            raise
        return "failed"
    Job.objects.filter(pk=job.pk).update(done_at=timezone.now(), last_error="")
    return "done"


def _record_failure(job: Job, attempts: int, error: Exception) -> None:
    """Back to waiting after a back-off; or, for an error that is not a
    dependency being down, failed for good after OUTBOX_MAX_ATTEMPTS."""
    message = f"{error.__class__.__name__}: {error}"[:2000]
    if not _expected(error) and attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        Job.objects.filter(pk=job.pk).update(
            failed_at=timezone.now(), started_at=None, last_error=message
        )
        logger.error(
            "outbox: %s failed %d times and is given up "
            "(`manage.py outbox --retry-failed` tries it again)",
            job,
            attempts,
            exc_info=error,
        )
        return
    retry_at = timezone.now() + backoff(attempts)
    Job.objects.filter(pk=job.pk).update(
        due_at=retry_at, dispatched_at=None, started_at=None, last_error=message
    )
    logger.warning(
        "outbox: %s failed (attempt %d, next at %s): %s",
        job,
        attempts,
        timezone.localtime(retry_at).strftime("%H:%M:%S"),
        error,
        exc_info=not _expected(error),
    )


def _expected(error: Exception) -> bool:
    """A dependency that is down (connection errors, timeouts, SMTP, and
    SearchUnavailable, which is a ConnectionError): worth a line, not a
    traceback, and tried again for as long as it takes."""
    return isinstance(error, OSError)


@shared_task(name=RUN_TASK, ignore_result=True, acks_late=True)
def run(job_id: int) -> str:
    return run_job(job_id)


# A relay run sends batches until nothing is ready or this much time has
# passed: after a long broker outage the backlog goes out in one run.
RELAY_SECONDS = 20


@shared_task(name="outbox.relay", ignore_result=True)
def relay() -> int:
    """celery beat, every OUTBOX_RELAY_INTERVAL seconds."""
    started, total = time.monotonic(), 0
    while True:
        sent = dispatch()
        total += sent
        if sent < settings.OUTBOX_RELAY_BATCH or broker.is_open():
            break
        if time.monotonic() - started > RELAY_SECONDS:
            break
    if total:
        logger.info("outbox: relayed %d job(s)", total)
    return total


@shared_task(name="outbox.purge", ignore_result=True)
def purge() -> int:
    """celery beat, hourly: forget jobs done more than OUTBOX_KEEP_DONE_SECONDS ago."""
    cutoff = timezone.now() - timedelta(seconds=settings.OUTBOX_KEEP_DONE_SECONDS)
    deleted, _by_model = Job.objects.filter(done_at__lt=cutoff).delete()
    return deleted
