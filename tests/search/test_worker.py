"""A real Celery worker, with Redis as the broker, makes a new post searchable."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from config.celery import app as celery_app
from forum.discussions import services
from search.backends.base import VISIBILITY_PUBLIC
from search.backends.database import DatabaseBackend
from search.query import parse

ROOT = Path(__file__).resolve().parent.parent.parent
WAIT_SECONDS = 60


@pytest.fixture
def worker(redis_url, transactional_db):
    """A worker process on this test's database, consuming from Redis."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "TEST_DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "TEST_REDIS_URL": redis_url,
        "CELERY_EAGER": "false",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-P", "solo",
         "--without-gossip", "--without-mingle", "--loglevel", "WARNING"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = redis_url
    try:
        yield process
    finally:
        celery_app.conf.task_always_eager = eager
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def test_a_new_post_becomes_searchable_through_a_real_worker(
    worker, make_topic, member2, settings
):
    settings.SEARCH_BACKEND = "database"
    topic = make_topic(title="Worker indexing check")
    started = time.monotonic()
    post = services.post_create(actor=member2, topic=topic, raw="Zanzibarium metrics.")
    backend = DatabaseBackend()
    while time.monotonic() - started < WAIT_SECONDS:
        hits = backend.search(
            parse("zanzibarium"), visibilities=(VISIBILITY_PUBLIC,)
        ).hits
        if [(hit.kind, hit.pk) for hit in hits] == [("post", post.pk)]:
            break
        if worker.poll() is not None:
            pytest.fail(f"the worker exited:\n{worker.stdout.read()}")
        time.sleep(0.2)
    else:
        pytest.fail(f"the post was not searchable within {WAIT_SECONDS} s")
