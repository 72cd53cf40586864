"""A real Celery worker, with Redis as the broker, turns a mention into an e-mail.

The worker runs in its own process, so it cannot fill this process's locmem
outbox: it writes e-mails as files (Django's filebased backend) into a directory
the test reads. It consumes a queue of its own, so that another worker on the
same Redis (another test run) cannot take these tasks.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from config.celery import app as celery_app
from forum.discussions import services
from forum.models import Notification

ROOT = Path(__file__).resolve().parent.parent.parent
WAIT_SECONDS = 60


@pytest.fixture
def worker(redis_url, transactional_db, tmp_path):
    """A worker process on this test's database, consuming from Redis."""
    db = connection.settings_dict
    queue = f"forum-email-test-{os.getpid()}"
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "TEST_DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "TEST_REDIS_URL": redis_url,
        "CELERY_EAGER": "false",
        "TEST_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "TEST_EMAIL_FILE_PATH": str(outbox),
        # Tasks the worker itself queues (notification → e-mail) stay on it.
        "TEST_CELERY_QUEUE": queue,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-P", "solo",
         "-Q", queue, "--without-gossip", "--without-mingle", "--loglevel", "WARNING"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    eager = celery_app.conf.task_always_eager
    default_queue = celery_app.conf.task_default_queue
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = redis_url
    celery_app.conf.task_default_queue = queue
    try:
        yield process, outbox
    finally:
        celery_app.conf.task_always_eager = eager
        celery_app.conf.task_default_queue = default_queue
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def test_a_mention_becomes_a_notification_and_an_e_mail_through_a_real_worker(
    worker, make_topic, member, member2
):
    process, outbox = worker
    topic = make_topic(author=member, title="Worker e-mail check")
    started = time.monotonic()
    post = services.post_create(
        actor=member, topic=topic, raw="@bolat please look at the draft."
    )
    while time.monotonic() - started < WAIT_SECONDS:
        files = list(outbox.iterdir())
        if files:
            break
        if process.poll() is not None:
            pytest.fail(f"the worker exited:\n{process.stdout.read()}")
        time.sleep(0.2)
    else:
        pytest.fail(f"no e-mail was written within {WAIT_SECONDS} s")
    # Give a duplicate a moment to show up, if the worker were to send one.
    time.sleep(1)
    [written] = list(outbox.iterdir())
    message = written.read_text()
    assert "To: bolat@example.kz" in message
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in message
    notification = Notification.objects.get(user=member2, post=post)
    assert notification.kind == Notification.Kind.MENTION
    assert notification.read_at is None
