"""What the forum runs in workers.

Outbox actions (side effects of writes) and beat's periodic tasks live beside
the code they serve; importing them here is what lets Celery's autodiscovery
and the outbox's registry find them in a worker.

Messages queued by the release before the outbox still arrive under their old
task names after a deploy; the tasks at the end turn each into an outbox job.
"""

from celery import shared_task

from forum.members.services import invitation_send  # noqa: F401
from forum.members.trust import update_trust_levels  # noqa: F401
from forum.notifications.mail import (  # noqa: F401
    log_digest_counts,
    send_digest,
    send_digests,
    send_notification_email,
)
from forum.notifications.services import notify_post  # noqa: F401
from outbox import services as outbox


@shared_task(name="forum.notifications.notify_post", ignore_result=True)
def legacy_notify_post(post_id: int, edit: bool = False):
    outbox.enqueue("forum.notify_post", post_id, edit=edit)


@shared_task(name="forum.emails.send_notification_email", ignore_result=True)
def legacy_send_notification_email(notification_id: int):
    outbox.enqueue("forum.send_notification_email", notification_id)


@shared_task(name="forum.emails.send_digest", ignore_result=True)
def legacy_send_digest(user_id: int, frequency: str, period_start: str):
    outbox.enqueue("forum.send_digest", user_id, frequency, period_start)


@shared_task(name="forum.emails.log_digest_counts", ignore_result=True)
def legacy_log_digest_counts(frequency: str, period_start: str, queued: int):
    outbox.enqueue("forum.log_digest_counts", frequency, period_start, queued)
