"""The login flow: password, then a second factor, then a session.

``checks`` is the policy seam: each check sees the attempt before the password is looked at (IP rules and
lockout reservations belong there, so a refused client learns nothing about the password), hears how the
password check went, and hears when the whole login succeeded.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from .errors import InvalidCredentials, InvalidRequest, SlsError
from .events import EventLog
from .lockout import Lockout, event_subject, lock_name
from .second_factor import SecondFactor
from .sessions import Session, SessionService
from .store import Store
from .users import UserService, canonical_username


@dataclass(frozen=True)
class Attempt:
    """One password attempt as the policy checks see it. ``id`` names its reservations in Redis."""

    username: str
    lock_name: str
    ip: str | None
    now: int
    id: str = field(default_factory=lambda: secrets.token_hex(12))
    notes: dict[str, str] = field(default_factory=dict)


class LoginCheck(Protocol):
    """A policy step around the password check (IP rules, lockout): where account protections plug in."""

    def before_password(self, attempt: Attempt) -> None:
        """Raise an ``SlsError`` to refuse the attempt before the password is verified."""

    def after_password(self, attempt: Attempt, *, ok: bool) -> None:
        """Hear how the password check went (count a failure, refund a reservation)."""

    def login_succeeded(self, username: str, ip: str | None, *, now: int) -> None:
        """Both factors passed: forget what the check counted for this user."""


class NotALogin(SlsError):
    code = "unknown_transaction"
    status = 404
    message = "No such login transaction."


@dataclass(frozen=True)
class Authenticated:
    token: str
    session: Session

    def body(self) -> dict[str, Any]:
        return {
            "state": "authenticated",
            "session": {
                "token": self.token,
                "idle_expires_at": self.session.idle_expires_at,
                "expires_at": self.session.expires_at,
            },
        }


class LoginService:
    def __init__(
        self,
        store: Store,
        users: UserService,
        steps: SecondFactor,
        sessions: SessionService,
        events: EventLog,
        *,
        checks: Sequence[LoginCheck] = (),
        lockout: Lockout | None = None,
    ) -> None:
        self._store = store
        self._users = users
        self._steps = steps
        self._sessions = sessions
        self._events = events
        self._checks = (*checks, lockout) if lockout else tuple(checks)

    def start(self, username: str, password: str, *, now: int, ip: str | None) -> dict[str, Any]:
        try:
            canonical: str | None = canonical_username(username)
        except InvalidRequest:
            canonical = None
        attempt = Attempt(username, lock_name(username, canonical), ip, now)
        for check in self._checks:
            check.before_password(attempt)
        user = self._users.check_password(username, password, now=now)
        for check in self._checks:
            check.after_password(attempt, ok=user is not None)
        if user is None:
            subject, extra = event_subject(attempt.lock_name)
            self._events.record(
                "login.password_failed", at=now, user=subject, ip=ip, result="failure", detail=extra or None
            )
            raise InvalidCredentials()
        name = user["username"]
        self._events.record("login.password_ok", at=now, user=name, ip=ip, result="success")
        try:
            opened = self._steps.open(name, now=now, ip=ip, default=user.get("default_device"))
        except SlsError as exc:  # repeatable at will by whoever has the password: counted, not each written
            self._events.record_flood("login.refused", per="ip", at=now, user=name, ip=ip, result=exc.code)
            raise
        return {"state": "second_factor", **opened}

    def switch(
        self, txn_id: str, type_: str, device_id: str | None, *, now: int, ip: str | None
    ) -> dict[str, Any]:
        return self._steps.switch(self._login_txn(txn_id), type_, device_id, now=now, ip=ip)

    def verify(self, txn_id: str, response: str, *, now: int, ip: str | None) -> Authenticated:
        txn = self._login_txn(txn_id)
        self._sessions.require_ip(txn["username"], ip, now=now)
        self._sessions.refuse_if_busy(txn["username"], now=now)
        self._steps.answer(txn, response, now=now, ip=ip)
        return self._finish(txn, now=now, ip=ip)

    def status(self, txn_id: str, *, now: int, ip: str | None) -> tuple[dict[str, Any], Authenticated | None]:
        """Where a login stands; once a push is approved, the first poll also gets the session."""
        txn = self._login_txn(txn_id)
        state = txn["state"]
        body: dict[str, Any] = {
            "txn_id": txn_id,
            "expires_at": int(txn["expires_at"]),
            "factor": txn["factor"],
        }
        if state == "approved":
            self._sessions.require_ip(txn["username"], ip, now=now)
            if self._steps.collect(txn_id, now=now):
                result = self._finish(txn, now=now, ip=ip)
                return {**body, **result.body()}, result
            state = "authenticated"
        if state == "second_factor":
            shown = "expired" if now >= int(txn["expires_at"]) else "pending"
        else:
            shown = state if state in ("authenticated", "denied") else "expired"
        if state == "failed":
            body["reason"] = "too_many_wrong_responses"
        return {**body, "state": shown}, None

    def _login_txn(self, txn_id: str) -> dict[str, str]:
        txn = self._steps.load(txn_id)
        if txn.get("purpose", "login") != "login":
            raise NotALogin()
        return txn

    def _finish(self, txn: Mapping[str, str], *, now: int, ip: str | None) -> Authenticated:
        name = txn["username"]
        token, session = self._sessions.create(
            name, factor=txn["factor"], device_id=txn["device_id"], now=now, ip=ip
        )
        for check in self._checks:  # the address that passed the password step is the one the user "knows"
            check.login_succeeded(name, txn.get("ip") or ip, now=now)
        self._store.users.set_fields(name, {"default_device": txn["device_id"]})  # M2FS: remembered
        self._events.record(
            "login.succeeded",
            at=now,
            user=name,
            ip=ip,
            factor=txn["factor"],
            device_id=txn["device_id"],
            result="success",
        )
        return Authenticated(token, session)
