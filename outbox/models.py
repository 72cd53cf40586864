"""One row per side effect still to run, or recently run.

A job is waiting until the relay hands it to Celery (`dispatched_at`), running
once a worker has claimed it (`started_at`), and done when its action returned
(`done_at`). A job that failed goes back to waiting with a later `due_at`. A
job dispatched but never started (its message was lost with a broker that
keeps nothing on disk) is dispatched again once the queue is empty, or after
two leases; one started but never finished (its worker died) once its lease
has passed. A job whose action keeps failing with an error that is not a
dependency being down (a bug, data that cannot be written) stops after
OUTBOX_MAX_ATTEMPTS as failed (`failed_at`): health reports it, and
`manage.py outbox --retry-failed` puts it back.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


def lease() -> timedelta:
    """How long a dispatched or started job belongs to its worker: longer than
    any task may run (CELERY_TASK_TIME_LIMIT), so that no job runs twice at once
    unless its first run is dead."""
    return timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)


class JobQuerySet(models.QuerySet):
    def pending(self):
        """Neither done nor failed: waiting, dispatched or running."""
        return self.filter(done_at__isnull=True, failed_at__isnull=True)

    def ready(self, now, *, queue_empty: bool = False):
        """Due and not in a worker's hands: waiting, or dispatched and lost.

        A dispatched job not started within two leases (or a minute, when the
        queue is known to be empty) lost its message; a started one not
        finished within a lease lost its worker.
        """
        unstarted_grace = (
            timedelta(seconds=settings.OUTBOX_LOST_MESSAGE_SECONDS)
            if queue_empty
            else 2 * lease()
        )
        return self.pending().filter(
            Q(dispatched_at__isnull=True)
            | Q(started_at__isnull=True, dispatched_at__lt=now - unstarted_grace)
            | Q(started_at__lt=now - lease()),
            due_at__lte=now,
        )

    def failing(self):
        """Pending jobs that have failed at least once."""
        return self.pending().exclude(last_error="")

    def failed(self):
        """Given up after OUTBOX_MAX_ATTEMPTS: only `manage.py outbox
        --retry-failed` sends them again."""
        return self.filter(failed_at__isnull=False)


class Job(models.Model):
    action = models.CharField(max_length=100)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(default=timezone.now)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        indexes = [
            # The relay's and health's question: what is pending, oldest first.
            models.Index(
                fields=["due_at"],
                name="outbox_job_pending",
                condition=Q(done_at__isnull=True, failed_at__isnull=True),
            ),
            # The purge's: done jobs past their keeping time.
            models.Index(
                fields=["done_at"],
                name="outbox_job_done",
                condition=Q(done_at__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.action}{tuple(self.args)} #{self.pk}"
