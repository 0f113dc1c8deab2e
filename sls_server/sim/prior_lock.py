"""A lock an earlier attack left on the victim, judged once before a staged attack begins (:mod:`.attacks`).

An attack whose every login the lock would refuse (423, whatever the password) shows nothing of the defences
it is about: push bombing sends no push, the relay relays nothing, a brute force meets no lock of its own
making. Run anyway, its report counted those refusals and read "The defences held." So such an attack is
not run at all (``not_run``): nothing is tried or counted, and the report says how to unlock first.

Judged per lockout bucket the attacker's addresses count in (``Lockout.bucket_of``): with
``SLS_LOCKOUT_KNOWN_IPS`` a lock of the user's known places does not stop a stranger, so it stops no attack.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .attack_report import Report

if TYPE_CHECKING:
    from ..wiring import Core


def lock_from_before(core: Core, username: str, ips: Iterable[str], *, now: int) -> dict[str, Any] | None:
    """The lockout bucket that would refuse every one of ``ips`` (the attack's addresses) at ``username``
    right now, as ``Lockout.status`` shows it; None when any address could still get a login started."""
    buckets = core.lockout.status(username, now=now)["buckets"]
    found: dict[str, Any] | None = None
    for ip in ips:
        state = buckets.get(core.lockout.bucket_of(username, ip))
        if not state or not state["locked"]:
            return None
        found = state
    return found


def say_not_run(report: Report, lock: dict[str, Any]) -> None:
    """Mark ``report`` as not run because of ``lock`` and say how to lift it: the console's Unlock, ``sls
    user unlock``, or (a timed lock) the clock moved on."""
    name = report.target
    if lock["permanent"]:
        lifts = "it is permanent (too many locks in a row): only an administrator lifts it"
    else:
        minutes = max(1, -(-int(lock["retry_after"] or 0) // 60))
        lifts = f"it lifts by itself in about {minutes} min, or when the clock is moved on past it"
    report.not_run = True
    report.victim_locked = True
    report.lines.append(
        f"{name}'s account was locked before this attack began (an earlier attack's lockout, still running: "
        f"{lifts}), so the attack did not run: every login would be refused whatever the password (423 "
        "account_locked), which shows nothing of the defences. Nothing was tried, sent or counted. Unlock "
        f"first: Unlock in the console's Users table, or sls user unlock {name}; then stage it again."
    )
