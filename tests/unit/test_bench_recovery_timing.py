"""``sls_bench/recovery_timing.py`` runs, and counts what it claims: a short run in one process reports both
phases, every pair timed, and a user's and a made-up name's starts making the same round trips (the times
themselves are the report's, never a test's)."""

from __future__ import annotations

import pytest

from sls_bench.recovery_timing import measure, table


def test_a_short_run_reports_both_phases_with_equal_round_trips() -> None:
    report = measure(users=2, rounds=6, seed=3)
    assert report["texted"]["samples"] == 2 * 5  # the server's send limit: five texts in a window
    assert report["send_limited"]["samples"] == 2 * 1
    for phase in ("texted", "send_limited"):
        trips = report[phase]["round_trips"]
        assert trips["user"] == trips["unknown"] > 3, phase  # more than the address, the user and the decoy
    assert len(list(table(report))) == 4


def test_cpu_times_the_app_alone_in_one_process() -> None:
    report = measure(users=2, rounds=5, seed=3, cpu=True)
    assert report["clock"] == "cpu" and report["texted"]["samples"] == 2 * 5
    assert next(iter(table(report))).endswith("ms of this thread's CPU per start")
    with pytest.raises(ValueError, match="--serve"):
        measure(users=2, rounds=5, seed=3, serve=True, cpu=True)
