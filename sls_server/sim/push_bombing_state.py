"""A push bombing's state kept by the server (``store.push_bombings``): its report, and each answer the victim
gave to its pushes, counted as she gives it (``sim.attacker_waits``). The trainer console counted them in the
browser from the feed, so a reload lost the count and the verdict fell back to the pushes' expiry, and ``sls
attack push-bombing`` reported once and never learned her answers; both now read :func:`read_state`
(``GET /admin/v1/attacks/push-bombing``). A push's expiry is judged here on read, at the app's clock, so a
moved clock concludes the verdict at once. Plain functions over the core, no Flask."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..accounts.user_fields import canonical_username
from ..shapes.attacks import AttackReport
from ..shapes.push_bombing import BombingVerdict, PushAnswers, PushBombingState
from .attack_report import hhmm

if TYPE_CHECKING:
    from ..wiring import Core

#: How long a bombing's state is kept after it was staged: a class, not for good (the relays' screens too).
KEPT_S = 86400


def keep(core: Core, report: AttackReport, pushes: dict[str, int], *, ip: str, now: int) -> None:
    """Keep the bombing just staged on ``report["target"]``: its report, and the logins its pushes wait on
    (``pushes``: txn id -> expiry). It replaces the victim's last one, and is the last one staged."""
    core.store.push_bombings.start(
        report["target"], ip=ip, at=now, report=dict(report), pushes=pushes, ttl_s=KEPT_S
    )


def read_state(core: Core, username: str | None, *, now: int) -> PushBombingState:
    """The last push bombing on ``username`` (None: on anyone) as it stands at ``now``."""
    name = canonical_username(username) if username else core.store.push_bombings.last_victim()
    found = core.store.push_bombings.read(name) if name else None
    if found is None:
        return {"staged": False, "said": "No push bombing has been staged yet."}
    report: AttackReport = found.report  # type: ignore[assignment]  # kept as the report was answered
    answers: PushAnswers = {
        "denied": found.answers.get("denied", 0),
        "wrong_number": found.answers.get("wrong_number", 0),
        "refused": found.answers.get("refused", 0),
        "got_in": found.answers.get("got_in", 0),
    }
    waiting = [until for until in found.pending.values() if until > now]
    expired = len(found.pending) - len(waiting)
    state: PushBombingState = {
        "staged": True,
        "said": "",
        "target": str(report.get("target") or name),
        "ip": found.ip,
        "at": found.at,
        "pushes": found.pushes,
        "answered": answers["denied"] + answers["wrong_number"] + answers["refused"] + answers["got_in"],
        "answers": answers,
        "expired": expired,
        "waiting": len(waiting),
        "verdict": verdict(report, answers, waiting=len(waiting)),
        "report": report,
    }
    if waiting:
        state["until"] = max(waiting)
    state["said"] = said(state)
    return state


def verdict(report: AttackReport, answers: PushAnswers, *, waiting: int) -> BombingVerdict:
    """The attacker is in once she approved one (or the report said so); pending while a push waits;
    otherwise the defences held (every push answered without letting them in, or expired)."""
    if report.get("verdict") == "not_run":
        return "not_run"
    if answers["got_in"] or report.get("verdict") == "attacker_got_in":
        return "attacker_got_in"
    return "pending" if waiting else "defences_held"


def said(state: PushBombingState) -> str:
    """The count and the verdict in one sentence, as the console shows it and the CLI prints it."""
    user, pushes = state.get("target", "the victim"), state.get("pushes", 0)
    answers = state.get("answers") or {"denied": 0, "wrong_number": 0, "refused": 0, "got_in": 0}
    how = ", ".join(
        f"{count} {words}"
        for count, words in (
            (answers["denied"], "denied"),
            (
                answers["wrong_number"],
                "a wrong number picked" if answers["wrong_number"] == 1 else "wrong numbers picked",
            ),
            (answers["refused"], "approved, the attacker refused"),
            (answers["got_in"], "approved: the attacker got in"),
        )
        if count
    )
    count = f"{user} answered {state.get('answered', 0)} of {pushes} push{'es' if pushes != 1 else ''}"
    count += f" ({how})" if how else ""
    if state.get("expired"):
        count += f"; {state['expired']} expired unanswered"
    if state.get("waiting"):
        count += f"; {state['waiting']} still wait on their phone until {hhmm(state.get('until', 0))} UTC"
    return f"{count}."
