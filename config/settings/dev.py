"""The embedded default for `make run`: SQLite, eager tasks, no outside service.

Every value can still be overridden from the environment, so a developer can point
the dev server at PostgreSQL, Redis or Elasticsearch when working on them.
"""

import dj_database_url

from .base import *  # noqa: F403
from .base import BASE_DIR, REDIS_URL, env, redis_cache

DEBUG = True
SERVE_MEDIA = True
SECRET_KEY = env("SECRET_KEY", "dev-only-insecure-key-never-use-in-production")
ALLOWED_HOSTS = ["*"]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"), conn_max_age=0
    )
}

if REDIS_URL:
    CACHES = {"default": redis_cache(REDIS_URL)}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # No broker: tasks run in-process, right where they are enqueued. Celery
    # still opens a producer for eager tasks; the in-memory transport spares it
    # (and the log) a search for a broker on localhost.
    CELERY_BROKER_URL = "memory://localhost/"
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True

# `load_demo` creates the demo accounts (editor, moderator, two members) only where
# this is set: never in production.
DEMO_ACCOUNTS = True
ACCOUNT_EMAIL_VERIFICATION = "optional"
