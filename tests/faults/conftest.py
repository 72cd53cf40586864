"""The fault suite's machinery: servers the tests start, stop, pause and
restart themselves, a real Celery worker and beat, and the web in-process.

Every dependency runs as a process of the test's own on a free port (Redis as
broker, Redis as cache, osmem-server as Elasticsearch), so stopping one by pid
harms nothing else on the machine. The worker and beat run the project's code
against this test's database with the production timings shortened through
the environment (OUTBOX_RELAY_INTERVAL, SEARCH_HEAL_INTERVAL); the web is this
process's Django test client with Celery switched from eager to that broker.

Recovery times are collected in `timings` and printed at the end of the run
(the README's table comes from there).
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
from abc import ABC, abstractmethod
from pathlib import Path

import pytest
from kombu import pools as kombu_pools

from config.celery import app as celery_app
from tests.conftest import service_missing
from tests.workers import wait_for, worker_env

ROOT = Path(__file__).resolve().parent.parent.parent
RESULTS = ROOT / "test-results" / "faults.json"
TIMINGS: dict[str, float | str] = {}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server(ABC):
    """A server process of the test's own: stop it (by pid), start it again
    on the same port, pause and resume it (SIGSTOP: it accepts connections
    and never answers, as a hanging server does)."""

    def __init__(self, name: str, port: int):
        self.name, self.port = name, port
        self.process: subprocess.Popen | None = None

    @abstractmethod
    def command(self) -> list[str]:
        """The command line that starts this server on `self.port`."""

    @abstractmethod
    def ready(self) -> bool:
        """Whether the server answers (polled after a start or a resume)."""

    def start(self) -> "Server":
        self.process = subprocess.Popen(
            self.command(),
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self.ready, timeout=20, what=f"{self.name} starting", every=0.1)
        return self

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.kill(self.pid, signal.SIGCONT)  # a paused process cannot die
        os.kill(self.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def pause(self) -> None:
        os.kill(self.pid, signal.SIGSTOP)

    def resume(self) -> None:
        os.kill(self.pid, signal.SIGCONT)


class RedisServer(Server):
    """Keeps nothing on disk, like the machines' own Redis: a restart loses
    every queued message."""

    def __init__(self, name: str):
        super().__init__(name, free_port())

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def command(self):
        return [
            shutil.which("redis-server"),
            "--port", str(self.port), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no",
        ]  # fmt: skip

    def ready(self) -> bool:
        import redis

        try:
            return bool(redis.Redis.from_url(self.url, socket_timeout=0.5).ping())
        except redis.exceptions.RedisError:
            return False


class OsmemProcess(Server):
    """osmem-server, the tests' in-memory Elasticsearch: a restart is empty."""

    def __init__(self):
        super().__init__("osmem-server", free_port())

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self):
        from osmem_server import resolve_binary

        return [
            resolve_binary(), "--addr", f"127.0.0.1:{self.port}", "--no-ja",
            "--parent-pid", str(os.getpid()),
        ]  # fmt: skip

    def ready(self) -> bool:
        import urllib.request

        try:
            with urllib.request.urlopen(self.url, timeout=0.5) as response:  # noqa: S310
                return response.status == 200
        except OSError:
            return False


@pytest.fixture
def redis_server(redis_url):
    """A factory of Redis servers; all stopped at the end."""
    if not shutil.which("redis-server"):
        service_missing("redis-server", "PATH", FileNotFoundError("redis-server"))
    started = []

    def start(name: str) -> RedisServer:
        started.append(RedisServer(name).start())
        return started[-1]

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def osmem():
    try:
        server = OsmemProcess().start()
    except Exception as error:  # noqa: BLE001 - any failure to start
        service_missing("osmem-server", "its bundled binary", error)
    yield server
    server.stop()


class Celery:
    """The project's worker and beat, as processes, on the test's database."""

    def __init__(self, broker: RedisServer, mail_dir: Path, env: dict):
        self.mail_dir = mail_dir
        defaults = {
            "TEST_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "TEST_EMAIL_FILE_PATH": str(mail_dir),
            "OUTBOX_RELAY_INTERVAL": "1",
        }
        # A test's own `env` overrides these (one sends e-mail through SMTP).
        self.env = worker_env(broker.url, **(defaults | env))
        self.processes: dict[str, subprocess.Popen] = {}
        self.restarts = 0

    def start(self, name: str, *args: str) -> subprocess.Popen:
        log = open(self.mail_dir.parent / f"{name}.log", "ab")  # noqa: SIM115
        self.processes[name] = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", *args],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            # Its own process group: kill() takes the pool's children too.
            start_new_session=True,
        )
        return self.processes[name]

    def start_worker(self):
        return self.start(
            "worker", "worker", "--concurrency", "2", "--without-gossip",
            "--without-mingle", "--without-heartbeat", "--loglevel", "WARNING",
        )  # fmt: skip

    def start_beat(self):
        return self.start(
            "beat", "beat", "--max-interval", "1", "--loglevel", "WARNING",
            "--schedule", str(self.mail_dir.parent / "beat-schedule"),
        )  # fmt: skip

    def kill(self, name: str) -> None:
        """As the kernel's OOM killer or a container stop does: the process
        and its pool's children at once. Killing the parent alone left
        children that could hold a row lock the next worker then waits on."""
        process = self.processes.pop(name)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def log_tail(self, name: str, chars: int = 3000) -> str:
        return (self.mail_dir.parent / f"{name}.log").read_text()[-chars:]

    def stop(self) -> None:
        for process in self.processes.values():
            process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def alive(self, *, supervised: bool = False) -> None:
        """Fail when a process exited; `supervised` restarts the worker
        instead, as production's `restart: unless-stopped` does
        (docker-compose.yml), and counts it in `restarts`."""
        for name, process in list(self.processes.items()):
            if process.poll() is None:
                continue
            if supervised and name == "worker" and self.restarts < 3:
                self.restarts += 1
                self.start_worker()
                continue
            log = self.log_tail(name)
            pytest.fail(f"the {name} exited ({process.returncode}):\n{log}")

    def e_mails(self) -> list[str]:
        """Every message written; Django's file backend may put several in one
        file, each followed by a line of dashes."""
        separator = "-" * 79
        return [
            message
            for path in sorted(self.mail_dir.iterdir())
            for message in path.read_text().split(separator)
            if message.strip()
        ]


@pytest.fixture
def celery_processes(transactional_db, tmp_path, settings):
    """Start worker and beat with `start(broker, **env)`; this process's
    Celery publishes to that broker too, instead of running tasks eagerly."""
    started: list[Celery] = []
    conf = celery_app.conf
    saved = {
        key: conf[key]
        for key in ("task_always_eager", "broker_url", "task_default_queue")
    }

    def start(broker: RedisServer, *, beat: bool = True, **env) -> Celery:
        mail_dir = tmp_path / "mail"
        mail_dir.mkdir(exist_ok=True)
        processes = Celery(broker, mail_dir, {k: str(v) for k, v in env.items()})
        started.append(processes)
        use_broker(broker.url)
        settings.CELERY_TASK_ALWAYS_EAGER = False
        settings.CELERY_BROKER_URL = broker.url
        processes.start_worker()
        if beat:
            processes.start_beat()
        return processes

    yield start
    for processes in started:
        processes.stop()
    conf.update(saved)
    _reset_pools()


def use_broker(url: str) -> None:
    celery_app.conf.update(
        task_always_eager=False, broker_url=url, task_default_queue="celery"
    )
    _reset_pools()


def _reset_pools() -> None:
    """Forget connections to a previous test's broker: Celery's own references
    and kombu's process-wide pools, which later tests would otherwise reuse."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    kombu_pools.reset()


@pytest.fixture(scope="session")
def timings():
    yield TIMINGS
    if TIMINGS:
        RESULTS.parent.mkdir(exist_ok=True)
        RESULTS.write_text(json.dumps(TIMINGS, indent=2) + "\n")


def pytest_terminal_summary(terminalreporter):
    if TIMINGS:
        terminalreporter.section("fault recovery (tests/faults)")
        for name, value in TIMINGS.items():
            terminalreporter.write_line(f"{name}: {value}")
