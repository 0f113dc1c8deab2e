"""``sls bench``'s exit status: 1 when what the run checked did not hold (a lock not exact, a change slower
than ``--fail-below``), judged from the report it printed."""

from __future__ import annotations

from typing import Any

from click.testing import CliRunner

from sls_bench.verdict import change_failure, lockout_failure
from sls_server.cli.main import cli


def _flood(**changed: Any) -> dict[str, Any]:
    counted = {"invalid_credentials": 30, "refused": 42, "lockouts": 6}
    report = {
        "every_lock_exact": True,
        "inexact_accounts": [],
        "metrics": counted,
        "metrics_expected": dict(counted),
        "metrics_agree": True,
    }
    return {**report, **changed}


def test_a_flood_whose_locks_were_exact_passes() -> None:
    assert lockout_failure(_flood()) is None


def test_a_lock_not_exact_or_metrics_that_disagree_fail_it_naming_why() -> None:
    inexact = _flood(every_lock_exact=False, inexact_accounts=["a: {'401 invalid_credentials': 6}"])
    assert "1 account(s) did not lock exactly" in (lockout_failure(inexact) or "")
    disagreeing = _flood(metrics_agree=False, metrics={"lockouts": 5})
    assert "/metrics counted {'lockouts': 5}" in (lockout_failure(disagreeing) or "")


def _change(by_round: list[float]) -> dict[str, Any]:
    return {"options": {"against": "HEAD~1"}, "change_by_round": by_round}


def test_a_change_is_judged_on_the_median_of_its_rounds() -> None:
    assert change_failure(_change([0.99, 1.01, 0.97, 1.02]), 0.95) is None
    # one disturbed round does not decide it, either way
    assert change_failure(_change([0.99, 1.01, 0.40, 1.02]), 0.95) is None
    told = change_failure(_change([0.90, 0.92, 1.80, 0.91]), 0.95)
    assert told == (
        "this code served 0.915 times the flows/s of HEAD~1 (the median of 4 rounds), below --fail-below 0.95"
    )
    assert change_failure(_change([]), 0.95) == "no round measured both codes"


def test_fail_below_needs_something_to_be_measured_against() -> None:
    result = CliRunner().invoke(cli, ["bench", "--fail-below", "0.95", "--seed-users", "0"])

    assert result.exit_code == 2 and "--fail-below: only with --against" in result.output
