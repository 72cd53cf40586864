"""What workers run for notifications: the fan-out of a new post, the e-mails,
and beat's digests.

The outbox actions keep the names their rows store; the Celery task names
are the ones beat stores and the release before the outbox queued.
"""

from datetime import date

from celery import shared_task

from forum.notifications import mail, services
from outbox import services as outbox
from outbox.registry import action

action("forum.notify_post")(services.notify_post)


@action("forum.send_notification_email")
def send_notification_email(notification_id: int) -> str:
    """The outbox job a new notification writes, due
    FORUM_NOTIFICATION_EMAIL_DELAY after it. A failed send raises, and the
    outbox tries again later; the delivery key keeps it to one e-mail."""
    return mail.notification_email_deliver(notification_id)


@action("forum.send_digest")
def send_digest(user_id: int, frequency: str, period_start: str) -> str:
    return mail.digest_deliver(user_id, frequency, date.fromisoformat(period_start))


action("forum.log_digest_counts")(mail.log_digest_counts)


@shared_task(name="forum.emails.send_digests", ignore_result=True)
def send_digests(frequency: str, today: str | None = None) -> int:
    return mail.send_digests(frequency, today)


# Messages queued by the release before the outbox still arrive under these
# names after a deploy; each becomes an outbox job.


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
