"""The sensitive tasks a session may do only after a fresh step-up ("verify your identity"): changing the
phone number, and a withdrawal (the emulator's stand-in for moving money; it moves none).

Each task checks the step-up itself, so no caller (a JSON route, a web page, a gateway) can forget it.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from ..accounts.users import UserService
from ..errors import InvalidRequest
from ..events import EventLog
from .session_state import Session
from .stepup import StepUp

CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
#: What a withdrawal's ``request_id`` looks like (``withdraw`` draws them): the account page shows no other.
REQUEST_ID_RE = re.compile(r"^wd-[0-9a-f]{12}$")
MAX_AMOUNT = 10**9


class SensitiveTasks:
    def __init__(self, stepup: StepUp, users: UserService, events: EventLog) -> None:
        self._stepup = stepup
        self._users = users
        self._events = events

    def change_phone(self, session: Session, phone: str, *, now: int) -> dict[str, str | None]:
        self._stepup.require(session, "change_contact", now=now)
        return self._users.change_phone(session.username, phone, now=now)

    def withdraw(
        self, session: Session, amount: int, currency: str, *, now: int, ip: str | None
    ) -> dict[str, Any]:
        self._stepup.require(session, "withdrawal", now=now)
        if isinstance(amount, bool) or not isinstance(amount, int) or not 1 <= amount <= MAX_AMOUNT:
            raise InvalidRequest(f"amount must be an integer from 1 to {MAX_AMOUNT}", field="amount")
        if not CURRENCY_RE.fullmatch(currency):
            raise InvalidRequest("currency must be a 3-letter ISO code like USD", field="currency")
        request_id = f"wd-{secrets.token_hex(6)}"
        self._events.record(
            "withdrawal.requested",
            at=now,
            user=session.username,
            ip=ip,
            detail={"amount": amount, "currency": currency, "request_id": request_id},
        )
        return {
            "state": "accepted",
            "request_id": request_id,
            "amount": amount,
            "currency": currency,
            "note": "simulated: the emulator moves no money",
        }
