"""What workers run for discussions: beat's flush of counted topic views."""

import logging

from celery import shared_task

from forum.discussions import viewcounts

logger = logging.getLogger(__name__)


@shared_task(name="forum.discussions.flush_topic_views")
def flush_topic_views() -> int:
    """Celery beat runs this every minute (settings.CELERY_BEAT_SCHEDULE)."""
    try:
        return viewcounts.flush()
    except viewcounts.ERRORS as error:
        logger.warning("topic views not flushed, Redis unavailable: %s", error)
        return 0
