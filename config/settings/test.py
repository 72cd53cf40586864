"""Settings for `make test`: the real PostgreSQL and Redis on 127.0.0.1.

tests/conftest.py checks that those services answer: a missing one skips the tests
that need it on a developer's machine and fails the run when CI=true.
"""

import os
import tempfile
from pathlib import Path

import dj_database_url

from .base import *  # noqa: F403
from .base import env, env_bool

SECRET_KEY = "test-only-key"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]

DATABASES = {
    "default": dj_database_url.parse(
        env("TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/forum")
    )
}

# A database per test process, so that parallel runs (two developers' shells, a
# benchmark, an editor's test runner) never fight over one.
DATABASES["default"]["TEST"] = {"NAME": f"test_forum_{os.getpid()}"}

REDIS_URL = env("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
CELERY_BROKER_URL = REDIS_URL
# Tests stay independent of each other: a per-process cache, not the shared Redis.
# Redis itself is exercised by the tests that need it (health, a real worker).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Tests write through services and read as visitors at once, which no page cache
# may get in the way of: tests/test_pagecache.py turns it on.
PAGE_CACHE_SECONDS = 0
# Wagtail's autosave of a page being created races a robot's quick "Publish"
# (Wagtail 8.0.1 then creates the page twice and fails on the slug): a person
# takes longer than the first half-second autosave, the browser tests do not.
WAGTAIL_AUTOSAVE_INTERVAL = 0
# Eager by default; the worker a test starts runs with CELERY_EAGER=false.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_EAGER", default=True)
CELERY_TASK_EAGER_PROPAGATES = True
# A worker a test starts gets a queue of its own, so that another test run's
# worker on the same Redis cannot take its tasks.
CELERY_TASK_DEFAULT_QUEUE = env("TEST_CELERY_QUEUE", "celery")

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# locmem in the test process; a worker a test starts writes files it can read.
EMAIL_BACKEND = env(
    "TEST_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend"
)
EMAIL_FILE_PATH = env("TEST_EMAIL_FILE_PATH")
# Notification e-mails go out at once: no FORUM_NOTIFICATION_EMAIL_DELAY.
FORUM_NOTIFICATION_EMAIL_DELAY = 0
DEMO_ACCOUNTS = True
ACCOUNT_EMAIL_VERIFICATION = "optional"
# Uploads go to a directory of this test process's own, removed with the system's
# temporary files.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="forum-test-media-"))

# Elasticsearch in tests is osmem-server, which answers the 9.x client's
# "compatible-with=9" media types with HTTP 406 (docs/search.md).
ELASTICSEARCH_COMPAT_HEADERS = False
ELASTICSEARCH_REFRESH = True
# osmem-server on a busy 2-core CI machine is slower than Elasticsearch: the
# behavioural suite must not fall back to the database because of a slow
# answer. The fault tests set production's short timeout themselves.
ELASTICSEARCH_SEARCH_TIMEOUT = 10.0
# Every {% stencil %} renders in full and is checked against the first render of
# its key (forum/templatetags/stencils.py): the suite checks the page chrome on
# every page it renders.
STENCIL_CHECK = True
