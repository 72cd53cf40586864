"""Sending an e-mail once: every e-mail the forum sends goes through here.

Each has an EmailDelivery row keyed by what it is about ("notification:42",
"digest:daily:2026-11-25:7", "invitation:3"). The row is committed (the key
is unique) before the message goes to the mail server, so a repeated job
finds it and stops; when the server refuses the message the row is removed
again, so that the next attempt can send. A worker killed between handing the
message over and stamping sent_at leaves an unsent row: that message is never
sent twice, at the price of maybe not at all.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from forum.core.models import EmailDelivery


def _claim(key: str, user) -> EmailDelivery | None:
    """The delivery row for `key`, created now; None when another attempt has it."""
    try:
        with transaction.atomic():
            return EmailDelivery.objects.create(key=key, user=user)
    except IntegrityError:
        return None


def already_claimed(key: str) -> bool:
    """Whether `key` was sent, or is being sent by another attempt."""
    return EmailDelivery.objects.filter(key=key).exists()


def send_once(key: str, user, build) -> bool:
    """Send the message `build()` returns unless `key` was sent or is being sent.

    The key is looked up before `build()`, so that a repeat does not even
    render; the claim below settles a race between two attempts.
    """
    if already_claimed(key):
        return False
    message = build()
    delivery = _claim(key, user)
    if delivery is None:
        return False
    try:
        message.send()
    except BaseException:
        # The message did not go out: free the key for the retry.
        EmailDelivery.objects.filter(pk=delivery.pk, sent_at__isnull=True).delete()
        raise
    EmailDelivery.objects.filter(pk=delivery.pk).update(sent_at=timezone.now())
    return True
