"""The staged push bombing (:mod:`.attacks`): the victim's password is known, and the attacker logs in again
and again from :data:`PUSH_IP`, hoping a tired user taps Approve. What stops it is number matching (a
wrong pick ends that login) and the IB Key push limit; what the report says is what each login sent, and
to whom."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from ..errors import SlsError
from .attack_report import Report, attempt, factor_title
from .ibkey_takeover import confirm_on_app, held_by
from .relay import ATTACKER_HANDSET

if TYPE_CHECKING:
    from ..wiring import Core

PUSH_IP = "198.51.100.77"


def has_ibkey(core: Core, username: str) -> bool:
    """Whether ``username`` has an active IB Key: without one there is no app to bomb, said as such."""
    return any(d.type == "ibkey" and d.status == "active" for d in core.devices.of_user(username))


def push_bombing(core: Core, report: Report, password: str, *, now: int) -> None:
    """The password is known; the attacker logs in again and again, hoping a tired user taps Approve."""
    app = held_by(core, report.target, ATTACKER_HANDSET)
    if app is not None:
        _approve_on_own_app(core, report, password, app, now=now)
        return
    limit = core.settings.push_limit
    asked_for: Counter[str] = Counter()
    limited = 0  # logins the push limit answered with a challenge (the factor's reason "push_limited")
    for _ in range(limit + 2):
        started = attempt(core, report, report.target, password, PUSH_IP, now=now)
        if started is None:
            continue
        factor = started["factor"]
        if factor["type"] != "ibkey" and any(f["type"] == "ibkey" for f in started["factors"]):
            try:
                factor = core.logins.switch(
                    started["txn_id"], started["login_token"], "ibkey", None, now=now, ip=PUSH_IP
                )["factor"]
            except SlsError as exc:
                report.refused(exc)
                continue
        if factor["type"] == "ibkey" and factor.get("mode") == "push":
            report.outcomes["push_sent"] += 1
        else:
            limited += factor.get("reason") == "push_limited"
            asked_for[factor_title(core, factor)] += 1
    pushes = report.outcomes["push_sent"]
    if pushes:
        said = (
            f"{pushes} notification{'s' if pushes != 1 else ''} reached the victim's phone, each with three "
            "numbers to pick from (number matching, and a wrong pick ends that login)"
        )
        if limited:  # said only when the limit acted: a login it answered with a challenge instead
            said += (
                f"; past {limit} per window the server sent no more: {limited} later login"
                f"{'s' if limited != 1 else ''} asked for IB Key's challenge/response instead, which needs "
                "the phone in hand"
            )
        report.lines.append(f"{said}, and the victim can still log in.")
    elif not has_ibkey(core, report.target):
        report.lines.append(f"{report.target} has no IB Key: there is no app to bomb with notifications.")
    if asked_for:
        shown = ", ".join(f"{name} ({count})" for name, count in asked_for.items())
        report.lines.append(f"Logins that got past the password asked for {shown}: no notification.")
    report.say_refusals()


def _approve_on_own_app(core: Core, report: Report, password: str, app: str, *, now: int) -> None:
    """Push bombing a user whose IB Key an earlier SIM swap moved to the attacker's handset: the pushes
    would reach the attacker's own app, so there is no one to wear down. One login, approved there."""
    report.lines.append(
        f"{report.target}'s only active IB Key is the one the attacker activated on their own handset in "
        "an earlier SIM swap (never taken back): its notifications reach the attacker's app, not the "
        "victim's phone, so the attacker needs no bombing."
    )
    started = attempt(core, report, report.target, password, PUSH_IP, now=now)
    if started is None:
        report.say_refusals()
        return
    if not confirm_on_app(core, report, app, started, ip=PUSH_IP, now=now):
        report.lines.append("The attacker's own IB Key did not get them in this time.")
        return
    report.succeeded = True
    report.outcomes["logged_in"] += 1
    report.lines.append(
        "They started one login and approved it on their own app, picking the number their own page "
        "showed, and logged in; the victim's phone got nothing."
    )
