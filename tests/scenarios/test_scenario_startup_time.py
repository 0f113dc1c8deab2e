"""The time a JUnit file gives the first scenario is that scenario's, not the start-up of the in-process app
and its Redis: CI's "slowest tests" listed whichever scenario ran first (1.6-2.8 s where its twin took 10 ms).

Each run is a fresh process, as CI's is: in this one the server's modules are imported already."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from runner_kit import LOGIN, write
from test_scenario_pytest_plugin import pytest_in


def _times(junit: Path) -> list[float]:
    return [float(case.get("time") or 0) for case in ET.parse(junit).getroot().iter("testcase")]


def _twins(tmp_path: Path) -> None:
    for name in ("first", "second", "third"):
        write(tmp_path, LOGIN, name=name)


def _first_is_like_its_twins(times: list[float]) -> None:
    """Building the app took 0.7 s of the first scenario on a quiet machine, its twins 10 ms: the margin is
    wide enough for a loaded CI machine's slow first call and still far below that."""
    assert len(times) == 3, times
    assert times[0] < 0.35 + 3 * max(times[1:]), times


def test_sls_scenario_run_junit_times_the_first_scenario_without_the_start_up(tmp_path: Path) -> None:
    _twins(tmp_path)
    junit = tmp_path / "junit.xml"
    command = [
        str(Path(sys.executable).parent / "sls"),
        "scenario",
        "run",
        str(tmp_path),
        "--junit",
        str(junit),
    ]
    ran = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    _first_is_like_its_twins(_times(junit))


def test_pytest_junit_times_the_first_scenario_without_the_start_up(tmp_path: Path) -> None:
    _twins(tmp_path)
    ran = pytest_in(tmp_path, "-p", "no:cacheprovider", "-p", "no:xdist", "--junitxml", "junit.xml")
    assert ran.returncode == 0, ran.stdout + ran.stderr
    _first_is_like_its_twins(_times(tmp_path / "junit.xml"))
