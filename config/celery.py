"""The Celery application: one per project, configured from Django settings.

Settings prefixed CELERY_ (see config/settings/base.py) configure it; tasks are
discovered in each app's tasks.py.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

# DjangoTask gives every task delay_on_commit(): enqueued only once the
# transaction that asked for it has committed.
app = Celery("config", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
