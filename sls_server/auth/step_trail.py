"""What a second-factor step's answers leave in the audit trail: each answer's event, named by its login's
user, factor and device, and every refused answer to a step that is over.

The answers themselves are judged by ``second_factor.SecondFactor``; the login and step-up record with
:func:`refusals_recorded` the answers they refuse before reaching it.
"""

from __future__ import annotations

from typing import Any

from ..events import EventLog
from ..store.records import LoginTxn
from .errors import ChallengeExpired, ChallengeUsed, LoginExhausted, PushDenied

#: The refusals of an answer to a step that is over: each is recorded (``refusals_recorded``).
OVER = (ChallengeUsed, ChallengeExpired, LoginExhausted, PushDenied)


class refusals_recorded:  # named as the function it was; used as one
    """An answer to a step that is over (answered already, a replay; expired; ended by wrong answers or
    switches; a push denied) is refused before anything is checked, but it is an attempt, and the trail
    has every one: ``login.answer_refused``, its result the refusal's code. Anyone holding the step can
    repeat it at will, so it is recorded as a flood (per address and window, then counted). The refusal
    goes on as it was raised. A class, not a ``contextmanager`` generator: one every verify
    (``tests/unit/test_block_costs.py``)."""

    __slots__ = ("_events", "_ip", "_now", "_txn")

    def __init__(self, events: EventLog, txn: LoginTxn, *, now: int, ip: str | None) -> None:
        self._events = events
        self._txn = txn
        self._now = now
        self._ip = ip

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, trace: Any) -> None:
        if isinstance(exc, OVER):
            txn = self._txn
            self._events.record_flood(
                "login.answer_refused",
                per="ip",
                at=self._now,
                user=txn.username,
                ip=self._ip,
                factor=txn.factor,
                device_id=txn.device_id,
                result=exc.code,
                detail={"purpose": txn.purpose},
            )


def record_step(
    events: EventLog,
    type_: str,
    txn: LoginTxn,
    *,
    now: int,
    ip: str | None,
    result: str,
    detail: dict[str, Any] | None = None,
) -> None:
    """An event of a step's answer, named by its login's user, factor and device."""
    events.record(
        type_,
        at=now,
        user=txn.username,
        ip=ip,
        factor=txn.factor,
        device_id=txn.device_id,
        result=result,
        detail=detail,
    )


def answered_from(phone_ip: str | None) -> dict[str, Any] | None:
    """A push's answer is recorded under the address of the login that sent it, as ``push.sent`` is: an
    approval of an attacker's login is the attacker's success, whoever's phone tapped it. The phone's own
    address goes in the detail (``answered_from``)."""
    return {"answered_from": phone_ip} if phone_ip else None
