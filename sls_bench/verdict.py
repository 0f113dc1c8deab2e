"""What a bench run's exit status says, so a CI job can act on it: 0 when what the run checked held, 1 when it
did not (the report is printed either way). A throughput alone is no verdict: what passes is a flood whose
every lock was exact, and a change no slower than the floor it was given against the code before it."""

from __future__ import annotations

import statistics
from typing import Any


def lockout_failure(report: dict[str, Any]) -> str | None:
    """Why a lockout flood failed (a lock not exact, or ``/metrics`` counting otherwise), or None."""
    wrong: list[str] = []
    if not report["every_lock_exact"]:
        shown = ", ".join(report["inexact_accounts"][:3])
        wrong.append(
            f"{len(report['inexact_accounts'])} account(s) did not lock exactly at the threshold: {shown}"
        )
    if not report["metrics_agree"]:
        wrong.append(f"/metrics counted {report['metrics']}, expected {report['metrics_expected']}")
    return "; ".join(wrong) or None


def change_failure(report: dict[str, Any], floor: float) -> str | None:
    """Why this code is slower than ``floor`` times the other's (``--against``, ``--fail-below``), or None.
    Judged on the median of the rounds' ratios: one round the machine disturbed does not decide it."""
    by_round = report.get("change_by_round") or []
    if not by_round:
        return "no round measured both codes"
    median = statistics.median(by_round)
    if median >= floor:
        return None
    label = report["options"].get("against")
    return (
        f"this code served {median:.3f} times the flows/s of {label} (the median of {len(by_round)} rounds), "
        f"below --fail-below {floor:g}"
    )
