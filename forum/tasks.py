"""The forum's Celery tasks. Each lives beside the code it serves; importing it
here is what lets `autodiscover_tasks()` find it."""

from .emails import (  # noqa: F401
    log_digest_counts,
    send_digest,
    send_digests,
    send_notification_email,
)
from .notifications import notify_post  # noqa: F401
from .trust import update_trust_levels  # noqa: F401
