"""A real Celery worker, with Redis as the broker, turns a mention into an e-mail.

The worker runs in its own process, so it cannot fill this process's locmem
outbox: it writes e-mails as files (Django's filebased backend) into a directory
the test reads. It consumes a queue of its own, so that another worker on the
same Redis (another test run) cannot take these tasks.
"""

import time

import pytest

from forum.discussions import services
from forum.models import Notification
from tests.workers import celery_worker, wait_for

WAIT_SECONDS = 60


@pytest.fixture
def worker(redis_url, transactional_db, tmp_path):
    """A worker process on this test's database, consuming from Redis."""
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    with celery_worker(
        redis_url,
        TEST_EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        TEST_EMAIL_FILE_PATH=str(outbox),
    ) as process:
        yield process, outbox


def test_a_mention_becomes_a_notification_and_an_e_mail_through_a_real_worker(
    worker, make_topic, member, member2
):
    process, outbox = worker
    topic = make_topic(author=member, title="Worker e-mail check")
    post = services.post_create(
        actor=member, topic=topic, raw="@bolat please look at the draft."
    )
    wait_for(
        lambda: any(outbox.iterdir()),
        timeout=WAIT_SECONDS,
        what="an e-mail written",
        process=process,
    )
    # Give a duplicate a moment to show up, if the worker were to send one.
    time.sleep(1)
    [written] = list(outbox.iterdir())
    message = written.read_text()
    assert "To: bolat@example.kz" in message
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in message
    notification = Notification.objects.get(user=member2, post=post)
    assert notification.kind == Notification.Kind.MENTION
    assert notification.read_at is None
