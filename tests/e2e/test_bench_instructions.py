"""``sls_bench/step_instructions.py``: the login flow's instructions under callgrind, the app against the
baseline. The counts themselves are not asserted (they move with every change to the hot path), only that
they are counts of the flows (positive, the app costs more than the baseline) and that two processes count
the same within a bound: the point of counting instructions rather than timing.

Needs valgrind (``.ci/run`` installs it). Without it the counting test skips with the reason, except under
CI (``CI`` set), where it fails, as the browser tests do without Chromium."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from sls_bench.step_instructions import count

pytestmark = pytest.mark.e2e


def test_two_processes_count_the_same_instructions_per_flow_and_the_app_costs_more() -> None:
    if shutil.which("valgrind") is None:
        reason = "valgrind is not installed (apt-get install -y valgrind)"
        if os.environ.get("CI"):
            pytest.fail(f"the instruction count must run in CI: {reason}")
        pytest.skip(reason)

    # Side by side: on two cores the pair takes about as long as one (some 20 s each on a quiet machine), and
    # the counts do not depend on what else runs.
    with ThreadPoolExecutor(2) as pool:
        first, second = pool.map(lambda _: count(3, steps=False), range(2))

    for report in (first, second):
        assert report["baseline"]["flow"] > 0
        assert report["app"]["flow"] > report["baseline"]["flow"], report
    for name in ("app", "baseline"):
        one, other = first[name]["flow"], second[name]["flow"]
        assert abs(one - other) / one < 0.01, (name, first, second)


def test_without_valgrind_it_says_so_in_one_line_and_exits_2() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "sls_bench.step_instructions", "--flows", "1"],
        env={**os.environ, "PATH": ""},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.strip().splitlines() == [
        "step_instructions: valgrind is not installed (apt-get install -y valgrind): nothing to count with"
    ]
