"""The tests that work with days pass at any hour, not only when CI happens to run.

TIME_ZONE is Asia/Almaty (UTC+5): from 19:00 to 24:00 UTC its date is already
tomorrow's, and a test that takes "today" from UTC fails in those hours.
This reruns the date-sensitive tests through scripts/test-at, whose clock
libfaketime moves to 23:30 UTC today. The whole suite at that hour is
`make test-late`, through the same script.

libfaketime comes from Debian (`apt-get install faketime`); without it the test is
skipped with the reason on a developer's machine and fails when CI=true, like every
other missing tool (.ci/run installs it).
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import IN_CI

ROOT = Path(__file__).resolve().parent.parent
LATE_UTC = "23:30"  # 04:30 the next day in Almaty

DATE_SENSITIVE = [
    "tests/forum/test_audit.py::test_the_audit_log_filters_by_action_and_date",
    "tests/forum/test_digest.py",
    "tests/forum/test_trust.py::TestUpdateTrustLevels",
    "tests/forum/test_trust.py::TestVisits",
    "tests/search/test_behaviour.py::TestFilters::test_date_filters",
    "tests/search/test_behaviour.py::TestFilters::test_dates_and_year_facets_are_local_days",
]


def test_the_date_sensitive_tests_pass_at_2330_utc():
    if "FAKETIME" in os.environ:
        pytest.skip("already running under faketime")
    if shutil.which("faketime") is None:
        message = "faketime is not installed (apt-get install faketime)"
        if IN_CI:
            pytest.fail(f"{message}; CI=true makes a missing tool an error")
        pytest.skip(message)
    child = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [ROOT / "scripts" / "test-at", "-q", "-p", "no:cacheprovider", *DATE_SENSITIVE],
        cwd=ROOT,
        env=os.environ | {"AT": LATE_UTC, "PYTHON": sys.executable},
        capture_output=True,
        text=True,
        timeout=600,
    )

    assert child.returncode == 0, child.stdout[-6000:] + child.stderr[-2000:]
