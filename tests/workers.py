"""Real Celery workers for the tests that need one, on this test's database,
and waiting for what they do."""

import os
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection

from config.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent


def worker_env(broker_url: str, **extra: str) -> dict:
    """The environment of a worker (or beat) on this test's database and broker."""
    db = connection.settings_dict
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "TEST_DATABASE_URL": (
            f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        ),
        "TEST_REDIS_URL": broker_url,
        "CELERY_EAGER": "false",
        **extra,
    }


def wait_for(predicate, *, timeout: float, what: str, every: float = 0.2, process=None):
    """Poll until `predicate()` is true; returns the seconds it took. A
    `process` that exits meanwhile fails the test with its output."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if predicate():
            return time.monotonic() - started
        if process is not None and process.poll() is not None:
            pytest.fail(f"the worker exited:\n{process.stdout.read()}")
        time.sleep(every)
    pytest.fail(f"{what}: not within {timeout} s")


@contextmanager
def celery_worker(broker_url: str, **extra_env: str):
    """One worker process on a queue of its own (another test run's worker on
    the same Redis cannot take its tasks); this process publishes to it
    instead of running tasks eagerly until the block ends."""
    queue = f"test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-P", "solo",
         "-Q", queue, "--without-gossip", "--without-mingle", "--loglevel", "WARNING"],
        cwd=ROOT,
        # Tasks the worker itself queues (notification → e-mail) stay on it.
        env=worker_env(broker_url, TEST_CELERY_QUEUE=queue, **extra_env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    conf = celery_app.conf
    saved = {
        key: conf[key]
        for key in ("task_always_eager", "broker_url", "task_default_queue")
    }
    conf.update(
        task_always_eager=False, broker_url=broker_url, task_default_queue=queue
    )
    try:
        yield process
    finally:
        conf.update(saved)
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
