"""A missing service skips its tests on a developer's machine and fails them in CI."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROBE = "tests/test_services.py::test_redis_answers"


def test_redis_answers(redis_url):
    """The probe the tests below run with Redis pointed at a closed port."""
    assert redis_url.startswith("redis://")


def run_probe(ci: bool) -> subprocess.CompletedProcess:
    env = {**os.environ, "TEST_REDIS_URL": "redis://127.0.0.1:1/0"}
    env.pop("CI", None)
    if ci:
        env["CI"] = "true"
    return subprocess.run(
        [sys.executable, "-m", "pytest", PROBE, "-q", "-rs"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("ci", "returncode", "says"),
    [
        (False, 0, "1 skipped"),
        (True, 1, "CI=true makes a missing service an error"),
    ],
    ids=["developer-machine-skips", "ci-fails"],
)
def test_missing_redis(ci, returncode, says):
    result = run_probe(ci)
    assert result.returncode == returncode, result.stdout + result.stderr
    assert says in result.stdout
    assert "Redis is not reachable at redis://127.0.0.1:1/0" in result.stdout
