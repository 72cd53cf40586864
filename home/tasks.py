import logging

from celery import shared_task
from django.core.management import call_command

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def publish_scheduled_pages():
    """Publish and unpublish pages whose go-live or expiry time has come.

    Wagtail stores the schedule on each revision; its `publish_scheduled` command
    acts on it. celery beat runs this every minute (CELERY_BEAT_SCHEDULE).
    """
    call_command("publish_scheduled")
