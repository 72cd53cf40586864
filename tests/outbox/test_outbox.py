"""The transactional outbox: jobs commit with their write, go out at commit or
with the relay, survive a broker outage and a lost worker, and back off."""

import io
from datetime import timedelta

import pytest
from celery import current_app
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from config.celery import app as celery_app
from outbox import registry, services, tasks
from outbox.models import Job

CALLS: list = []


@registry.action("tests.record")
def record(value, *, fail=False):
    """An action for these tests: remembers its calls, fails when asked."""
    CALLS.append(value)
    if fail:
        raise ConnectionError("the dependency is down")


@pytest.fixture(autouse=True)
def _fresh():
    CALLS.clear()
    tasks.broker.reset()
    yield
    tasks.broker.reset()


@pytest.fixture
def no_jobs(db):
    """No job from the demo content the database was built with."""
    Job.objects.all().delete()


@pytest.fixture
def worker_mode(monkeypatch):
    """Celery as in production: publishing sends a message (recorded here)
    instead of running the job, and an action's error stays on its job."""
    sent = []
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    monkeypatch.setitem(celery_app.conf, "task_eager_propagates", False)
    monkeypatch.setattr(
        tasks.run, "apply_async", lambda args, **options: sent.append(args[0])
    )
    return sent


@pytest.fixture
def broker_down(worker_mode, monkeypatch):
    def refuse(args, **options):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379.")

    monkeypatch.setattr(tasks.run, "apply_async", refuse)


def test_a_job_is_written_with_the_write_and_runs_after_its_commit(
    no_jobs, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.enqueue("tests.record", "reply 7")
        assert CALLS == []
    job.refresh_from_db()
    assert CALLS == ["reply 7"]
    assert job.done_at is not None and job.attempts == 1


def test_a_rolled_back_write_takes_its_jobs_with_it(no_jobs):
    class Rollback(Exception):
        pass

    with pytest.raises(Rollback), transaction.atomic():
        services.enqueue("tests.record", "never")
        raise Rollback
    assert not Job.objects.exists()
    assert CALLS == []


def test_a_misspelt_action_fails_in_the_writer(no_jobs):
    with pytest.raises(LookupError):
        services.enqueue("tests.no-such-action", 1)


def test_an_action_name_is_registered_once():
    with pytest.raises(ImproperlyConfigured):

        @registry.action("tests.record")
        def impostor(value):
            pass


def test_a_job_due_now_is_published_at_commit_without_another_query(
    no_jobs, worker_mode, django_capture_on_commit_callbacks, django_assert_num_queries
):
    with django_assert_num_queries(1):  # the INSERT; publishing reads nothing
        with django_capture_on_commit_callbacks(execute=True):
            job = services.enqueue("tests.record", "x")
    assert worker_mode == [job.pk]
    job.refresh_from_db()
    assert job.dispatched_at is not None and job.done_at is None


def test_with_the_broker_down_the_write_succeeds_and_the_job_waits(
    no_jobs, broker_down, django_capture_on_commit_callbacks, monkeypatch
):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.enqueue("tests.record", "later")
    job.refresh_from_db()
    assert job.dispatched_at is None and job.done_at is None
    assert tasks.broker.is_open()
    # While the breaker is open, writers do not try the broker at all.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        second = services.enqueue("tests.record", "later too")
    assert callbacks == []
    assert Job.objects.get(pk=second.pk).dispatched_at is None
    # The broker is back: the relay sends both.
    sent = []
    monkeypatch.setattr(
        tasks.run, "apply_async", lambda args, **options: sent.append(args[0])
    )
    assert tasks.dispatch() == 2
    assert sorted(sent) == sorted([job.pk, second.pk])
    assert not tasks.broker.is_open()


def test_a_relay_that_loses_the_broker_midway_leaves_the_rest_waiting(
    no_jobs, worker_mode, monkeypatch
):
    jobs = [services.enqueue("tests.record", n, delay=60) for n in range(3)]
    Job.objects.update(due_at=timezone.now() - timedelta(seconds=1))
    published = []

    def flaky(args, **options):
        if published:
            raise OperationalError("connection reset")
        published.append(args[0])

    monkeypatch.setattr(tasks.run, "apply_async", flaky)
    assert tasks.dispatch() == 1
    waiting = Job.objects.filter(dispatched_at__isnull=True)
    assert waiting.count() == 2
    assert published == [jobs[0].pk]


def test_a_delayed_job_waits_for_its_due_time(no_jobs, worker_mode):
    job = services.enqueue("tests.record", "e-mail", delay=600)
    assert job.due_at > timezone.now() + timedelta(seconds=590)
    assert tasks.dispatch() == 0
    Job.objects.filter(pk=job.pk).update(due_at=timezone.now())
    assert tasks.dispatch() == 1
    assert worker_mode == [job.pk]


def ago(seconds: float):
    return timezone.now() - timedelta(seconds=seconds)


@pytest.fixture
def queue(monkeypatch):
    """Whether the broker says the jobs' queue is empty."""
    state = {"empty": False}
    monkeypatch.setattr(tasks, "_queue_is_empty", lambda: state["empty"])
    return state


def test_a_job_whose_message_was_lost_goes_again_once_the_queue_is_empty(
    no_jobs, worker_mode, queue
):
    """A broker restarted without its data lost the message of a job that was
    dispatched and never started."""
    job = services.enqueue("tests.record", "lost")
    assert tasks.dispatch() == 0  # dispatched at its commit
    grace = settings.OUTBOX_LOST_MESSAGE_SECONDS
    Job.objects.filter(pk=job.pk).update(dispatched_at=ago(grace + 1))
    assert tasks.dispatch() == 0  # messages still queued: it may be among them
    queue["empty"] = True
    assert tasks.dispatch() == 1
    assert worker_mode == [job.pk]


def test_an_unstarted_job_goes_again_after_two_leases_whatever_the_queue(
    no_jobs, worker_mode, queue
):
    job = services.enqueue("tests.record", "slow queue")
    lease = settings.OUTBOX_LEASE_SECONDS
    Job.objects.filter(pk=job.pk).update(dispatched_at=ago(lease + 1))
    assert tasks.dispatch() == 0
    Job.objects.filter(pk=job.pk).update(dispatched_at=ago(2 * lease + 1))
    assert tasks.dispatch() == 1


def test_a_job_whose_worker_died_goes_again_a_lease_after_it_started(
    no_jobs, worker_mode, queue
):
    """It waited in the queue a while, started, and its worker was killed."""
    job = services.enqueue("tests.record", "killed")
    lease = settings.OUTBOX_LEASE_SECONDS
    Job.objects.filter(pk=job.pk).update(
        dispatched_at=ago(lease + 60), started_at=ago(lease - 30)
    )
    assert tasks.dispatch() == 0  # its run may still be going
    Job.objects.filter(pk=job.pk).update(started_at=ago(lease + 1))
    assert tasks.dispatch() == 1
    assert tasks.run_job(job.pk) == "done"
    assert CALLS == ["killed"]


def test_a_failing_action_backs_off_and_runs_again_until_it_succeeds(
    no_jobs, worker_mode
):
    job = services.enqueue("tests.record", "index", fail=True)
    started = timezone.now()
    assert tasks.run_job(job.pk) == "failed"
    job.refresh_from_db()
    assert job.attempts == 1 and job.done_at is None
    assert job.dispatched_at is None and job.started_at is None
    assert "ConnectionError: the dependency is down" in job.last_error
    assert (
        started + timedelta(seconds=1) <= job.due_at <= started + timedelta(seconds=3)
    )
    assert tasks.dispatch() == 0  # not before its back-off is over
    for _attempt in range(2, 12):
        Job.objects.filter(pk=job.pk).update(due_at=timezone.now())
        assert tasks.dispatch() == 1
        assert tasks.run_job(job.pk) == "failed"
    job.refresh_from_db()
    assert job.attempts == 11  # never dropped
    assert job.due_at - timezone.now() <= timedelta(seconds=settings.OUTBOX_BACKOFF_MAX)
    Job.objects.filter(pk=job.pk).update(kwargs={}, due_at=timezone.now())
    assert tasks.run_job(job.pk) == "done"
    job.refresh_from_db()
    assert job.done_at is not None and job.last_error == ""


@registry.action("tests.broken")
def broken(value):
    raise ValueError(f"cannot handle {value!r}")


def test_a_job_failing_for_a_bug_is_given_up_after_a_few_tries_and_reported(
    no_jobs, worker_mode, client
):
    job = services.enqueue("tests.broken", "bad data")
    for attempt in range(1, settings.OUTBOX_MAX_ATTEMPTS + 1):
        Job.objects.filter(pk=job.pk).update(due_at=timezone.now())
        assert tasks.run_job(job.pk) == "failed", attempt
    job.refresh_from_db()
    assert job.failed_at is not None and job.done_at is None
    assert "ValueError: cannot handle 'bad data'" in job.last_error
    assert not Job.objects.pending().filter(pk=job.pk).exists()
    assert tasks.dispatch() == 0
    assert services.backlog()["failed"] == 1
    health = client.get("/healthz").json()["services"]["outbox"]
    assert health["status"] == "degraded" and health["failed"] == 1
    # An operator fixed the cause: `manage.py outbox --retry-failed`.
    out = io.StringIO()
    call_command("outbox", "--failed", stdout=out)
    assert "tests.broken('bad data',)" in out.getvalue()
    call_command("outbox", "--retry-failed", stdout=out)
    job.refresh_from_db()
    assert job.failed_at is None and job.attempts == 0
    assert tasks.dispatch() == 1


def test_a_job_runs_once_at_a_time_and_not_after_it_is_done(no_jobs, worker_mode):
    job = services.enqueue("tests.record", "once")
    Job.objects.filter(pk=job.pk).update(started_at=timezone.now())
    assert tasks.run_job(job.pk) == "running elsewhere"
    long_ago = timezone.now() - timedelta(seconds=settings.OUTBOX_LEASE_SECONDS + 1)
    Job.objects.filter(pk=job.pk).update(started_at=long_ago)  # its worker died
    assert tasks.run_job(job.pk) == "done"
    assert tasks.run_job(job.pk) == "done or claimed"
    assert CALLS == ["once"]


def test_eager_celery_runs_a_delayed_job_at_commit(
    no_jobs, django_capture_on_commit_callbacks
):
    """`make run` has no worker and no beat: like Celery's own eager mode with a
    countdown, the job runs when its write commits."""
    with django_capture_on_commit_callbacks(execute=True):
        services.enqueue("tests.record", "digest", delay=900)
    assert CALLS == ["digest"]


def test_eager_celery_raises_an_actions_error_in_the_caller(
    no_jobs, django_capture_on_commit_callbacks
):
    with (
        pytest.raises(ConnectionError),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.enqueue("tests.record", "x", fail=True)


def test_many_jobs_in_one_insert(
    no_jobs, worker_mode, django_capture_on_commit_callbacks, django_assert_num_queries
):
    with django_assert_num_queries(1), django_capture_on_commit_callbacks(execute=True):
        assert services.enqueue_many("tests.record", [[1], [2], [3]]) == 3
    assert len(worker_mode) == 3
    assert services.enqueue_many("tests.record", []) == 0


def test_the_backlog_counts_pending_failing_and_the_oldest_due(no_jobs, worker_mode):
    assert services.backlog() == {
        "pending": 0,
        "due": 0,
        "failing": 0,
        "failed": 0,
        "oldest_due_seconds": 0.0,
    }
    old = services.enqueue("tests.record", "old")
    Job.objects.filter(pk=old.pk).update(
        due_at=timezone.now() - timedelta(minutes=5), attempts=2, last_error="E"
    )
    services.enqueue("tests.record", "later", delay=600)
    running = services.enqueue("tests.record", "first try", delay=600)
    # A first attempt that is still running has not failed.
    Job.objects.filter(pk=running.pk).update(attempts=1, started_at=timezone.now())
    done = services.enqueue("tests.record", "done")
    Job.objects.filter(pk=done.pk).update(done_at=timezone.now())
    gone = services.enqueue("tests.record", "given up")
    Job.objects.filter(pk=gone.pk).update(failed_at=timezone.now(), attempts=5)
    backlog = services.backlog()
    assert backlog["pending"] == 3 and backlog["due"] == 1
    assert backlog["failing"] == 1 and backlog["failed"] == 1
    assert 299 <= backlog["oldest_due_seconds"] <= 320


def test_done_jobs_are_purged_after_a_day(no_jobs, worker_mode):
    recent, old, waiting = (services.enqueue("tests.record", n) for n in range(3))
    now = timezone.now()
    Job.objects.filter(pk=recent.pk).update(done_at=now - timedelta(hours=1))
    Job.objects.filter(pk=old.pk).update(done_at=now - timedelta(days=2))
    assert tasks.purge() == 1
    assert set(Job.objects.values_list("pk", flat=True)) == {recent.pk, waiting.pk}


def test_messages_queued_before_the_outbox_become_jobs(no_jobs):
    """A deploy lands while the old release's messages wait in the broker."""
    for name in (
        "search.tasks.index_document",
        "search.tasks.index_topic",
        "forum.notifications.notify_post",
        "forum.emails.send_notification_email",
        "forum.emails.send_digest",
        "forum.emails.log_digest_counts",
    ):
        assert name in current_app.tasks, name
    current_app.tasks["forum.notifications.notify_post"].run(42)
    job = Job.objects.get(action="forum.notify_post")
    assert job.args == [42] and job.kwargs == {"edit": False}


def test_celery_settings_fit_the_outbox():
    limit = settings.CELERY_TASK_TIME_LIMIT
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    assert limit < options["visibility_timeout"] < 60 * 60
    assert settings.OUTBOX_LEASE_SECONDS > limit
    relay = settings.CELERY_BEAT_SCHEDULE["outbox-relay"]
    assert relay["task"] == "outbox.relay" and relay["schedule"] <= 10


def test_a_relay_run_sends_a_whole_backlog_in_batches(no_jobs, worker_mode, settings):
    settings.OUTBOX_RELAY_BATCH = 2
    services.enqueue_many("tests.record", [[n] for n in range(5)], delay=60)
    Job.objects.update(due_at=timezone.now() - timedelta(seconds=1))
    assert tasks.relay() == 5
    assert len(worker_mode) == 5
