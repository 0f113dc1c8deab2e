"""The last attack staged, whatever its kind (``store.last_attack``), for the trainer console opened or
reloaded later: it drew the last push bombing's report even after a brute force or a SIM swap staged since,
for only a bombing's state was kept. The events in the trail are each attempt's, never the attack's (its
kind and report are nowhere in them), so the report itself is kept, as it was answered, a day. A push
bombing's comes with its count of her answers and verdict as they stand now (``push_bombing_state``).
Plain functions over the core, no Flask."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..shapes.attacks import AttackReport
from ..shapes.push_bombing import LastAttackState
from .push_bombing_state import KEPT_S, read_state

if TYPE_CHECKING:
    from ..wiring import Core


def keep(core: Core, report: AttackReport, *, now: int) -> None:
    """``report`` is of the attack just staged, the last one now (a refused request stages nothing)."""
    core.store.last_attack.keep(
        kind=report["kind"], target=report["target"], at=now, report=dict(report), ttl_s=KEPT_S
    )


def read_last(core: Core, *, now: int) -> LastAttackState:
    """The last attack staged at ``now``: its report, and a push bombing's state if it is that bombing's."""
    found = core.store.last_attack.read()
    if found is None:
        return {"staged": False}
    report: AttackReport = found.report  # type: ignore[assignment]  # kept as the report was answered
    state: LastAttackState = {
        "staged": True,
        "kind": report["kind"],
        "target": found.target,
        "at": found.at,
        "report": report,
    }
    if found.kind == "push_bombing":
        bombing = read_state(core, found.target, now=now)
        if bombing.get("staged") and bombing.get("at") == found.at:  # this one, not an older bombing
            bombing.pop("report", None)
            state["push_bombing"] = bombing
    return state
