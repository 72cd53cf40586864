"""The forum's Celery tasks. Each lives beside the code it serves; importing it
here is what lets `autodiscover_tasks()` find it."""
