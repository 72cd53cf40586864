"""The Celery application: one per project, configured from Django settings.

Settings prefixed CELERY_ (see config/settings/base.py) configure it; tasks are
discovered in each app's tasks.py.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
