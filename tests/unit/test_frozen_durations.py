"""``pytest --durations`` reports real times for tests that freeze the clock.

freezegun replaced the clock pytest times tests with, so a test frozen at 2030 was reported to have taken
60 years (``1893490501.22s setup``). ``tests/conftest.py`` leaves ``_pytest.timing`` out of freezegun's
reach; this runs pytest in a child process on frozen tests, one frozen by the API tests' autouse fixture
(during setup, call and teardown) and two frozen here, and reads the durations it reports.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from freezegun import freeze_time

ROOT = Path(__file__).parents[2]
FROZEN_AT = "2030-01-01 12:00:00"
#: Far more than any of these tests takes on a loaded machine, far less than the decades a frozen clock gave.
PLAUSIBLE_S = 120.0
_DURATION = re.compile(r"^(?P<seconds>[\d.]+)s (?P<phase>setup|call|teardown)\s+(?P<test>\S+)$", re.M)


@pytest.fixture
def frozen_throughout() -> Iterator[None]:
    with freeze_time(FROZEN_AT):
        yield


@pytest.mark.usefixtures("frozen_throughout")
def test_frozen_by_a_fixture() -> None:
    """A target of the check below, frozen from setup to teardown like the API tests."""
    assert time.time() == 1893499200.0


@freeze_time(FROZEN_AT)
def test_frozen_by_the_decorator() -> None:
    """A target of the check below; also proves the ignore list leaves a test's own clock frozen."""
    assert time.time() == 1893499200.0


def test_durations_of_frozen_tests_are_real_times() -> None:
    targets = [
        f"{Path(__file__).relative_to(ROOT)}::test_frozen_by_a_fixture",
        f"{Path(__file__).relative_to(ROOT)}::test_frozen_by_the_decorator",
        "tests/api/test_clock_bounds.py::test_bounds_are_2000_and_2100",  # the autouse frozen_time fixture
    ]
    # One xdist worker, as the suite's are (a worker times its tests and reports them): more, each paying its
    # own start-up and collection, add nothing to what is checked.
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-n", "1", "-q", "--durations=0"]
    ran = subprocess.run(
        [*command, "--durations-min=0", *targets],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    reported = [(float(m["seconds"]), m["phase"], m["test"]) for m in _DURATION.finditer(ran.stdout)]
    assert {test for _, _, test in reported} == set(targets), ran.stdout
    assert {phase for _, phase, _ in reported} == {"setup", "call", "teardown"}
    absurd = [entry for entry in reported if not 0 <= entry[0] < PLAUSIBLE_S]
    assert absurd == []
