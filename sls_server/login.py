"""The login flow: password, then a second factor, then a session.

``checks`` is the policy seam: each check sees the attempt before the password is looked at (IP rules
and lockout reservations belong there, so a refused client learns nothing about the password) and hears
how the password check went. This issue ships none; the flow is complete without them.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from .enrolment import ACTIVE, DeviceService
from .errors import (
    ChallengeExpired,
    ChallengeUsed,
    DeviceInactive,
    InvalidCredentials,
    InvalidRequest,
    InvalidResponse,
    NoSecondFactor,
    UnknownTransaction,
)
from .events import EventLog
from .factors import FactorRegistry
from .lockout import DeviceLocked, Lockout, lock_name
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


def factor_entry(device: dict[str, str]) -> dict[str, Any]:
    return {"type": device["type"], "device_id": device["device_id"], "label": device.get("label")}


class LoginService:
    def __init__(
        self,
        store: Store,
        users: UserService,
        devices: DeviceService,
        factors: FactorRegistry,
        sessions: SessionService,
        events: EventLog,
        *,
        challenge_ttl: int,
        verify_attempts: int,
        checks: Sequence[LoginCheck] = (),
        lockout: Lockout | None = None,
    ) -> None:
        self._store = store
        self._users = users
        self._devices = devices
        self._factors = factors
        self._sessions = sessions
        self._events = events
        self._challenge_ttl = challenge_ttl
        self._verify_attempts = verify_attempts
        self._lockout = lockout
        self._checks = (*checks, lockout) if lockout else tuple(checks)

    def start(self, username: str, password: str, *, now: int, ip: str | None) -> dict[str, Any]:
        try:
            canonical: str | None = canonical_username(username)
        except InvalidRequest:
            canonical = None
        attempt = Attempt(username, lock_name(username, canonical), ip, now)
        for check in self._checks:
            check.before_password(attempt)
        user = self._users.check_password(username, password)
        for check in self._checks:
            check.after_password(attempt, ok=user is not None)
        if user is None:
            self._events.record(
                "login.password_failed", at=now, user=attempt.lock_name, ip=ip, result="failure"
            )
            raise InvalidCredentials()
        name = user["username"]
        self._events.record("login.password_ok", at=now, user=name, ip=ip, result="success")

        enrolled = self._devices.active_of_user(name)
        active = [d for d in enrolled if d.get("factor_locked") != "1"]
        if not active:
            self._events.record(
                "login.refused",
                at=now,
                user=name,
                ip=ip,
                result="device_locked" if enrolled else "no_second_factor",
            )
            raise DeviceLocked() if enrolled else NoSecondFactor()
        device = next((d for d in active if d["device_id"] == user.get("default_device")), active[0])
        factor = self._factors.get(device["type"])
        prompt = factor.begin(device, now=now)

        txn_id = secrets.token_urlsafe(18)
        expires_at = now + self._challenge_ttl
        self._store.logins.create(
            txn_id,
            {
                "txn_id": txn_id,
                "username": name,
                "state": "second_factor",
                "factor": device["type"],
                "device_id": device["device_id"],
                "created_at": now,
                "expires_at": expires_at,
                "attempts_left": self._verify_attempts,
                "ip": ip,
                **prompt.remembered,
            },
            now=now,
        )
        self._events.record(
            "login.challenge_issued",
            at=now,
            user=name,
            ip=ip,
            factor=device["type"],
            device_id=device["device_id"],
        )
        return {
            "state": "second_factor",
            "txn_id": txn_id,
            "expires_at": expires_at,
            "factor": {"type": device["type"], "device_id": device["device_id"], **prompt.shown},
            "factors": [factor_entry(d) for d in active],
        }

    def verify(self, txn_id: str, response: str, *, now: int, ip: str | None) -> Authenticated:
        txn = self._store.logins.get(txn_id)
        if not txn:
            raise UnknownTransaction()
        factor = self._factors.get(txn["factor"])
        if not factor.response_pattern.fullmatch(response):
            raise InvalidRequest(f"response does not have the form a {txn['factor']} gives", field="response")
        self._raise_if_settled(txn, now)
        self._sessions.require_ip(txn["username"], ip, now=now)
        self._sessions.refuse_if_busy(txn["username"], now=now)
        device = self._store.devices.get(txn["device_id"])
        if not device or device["status"] != ACTIVE:
            raise DeviceInactive()
        if device.get("factor_locked") == "1":
            raise DeviceLocked()

        correct = factor.check(device, txn, response)
        status, left = self._store.logins.settle(txn_id, now=now, correct=correct)
        base = {
            "at": now,
            "user": txn["username"],
            "ip": ip,
            "factor": txn["factor"],
            "device_id": txn["device_id"],
        }
        if status == "bad":
            self._events.record(
                "login.second_factor_failed", **base, result="failure", detail={"attempts_left": left}
            )
            if self._lockout and self._lockout.device_failed(device, now=now, ip=ip):
                raise DeviceLocked(attempts_left=0)
            raise InvalidResponse(attempts_left=left)
        if status != "ok":
            self._raise_for_status(status)
        token, session = self._sessions.create(
            txn["username"], factor=txn["factor"], device_id=txn["device_id"], now=now, ip=ip
        )
        if self._lockout:
            self._lockout.device_succeeded(device)
        for check in self._checks:  # the address that passed the password step is the one the user "knows"
            check.login_succeeded(txn["username"], txn.get("ip") or ip, now=now)
        self._events.record("login.succeeded", **base, result="success")
        return Authenticated(token, session)

    def status(self, txn_id: str, *, now: int) -> dict[str, Any]:
        txn = self._store.logins.get(txn_id)
        if not txn:
            raise UnknownTransaction()
        state = txn["state"]
        if state == "second_factor":
            shown = "expired" if now >= int(txn["expires_at"]) else "pending"
        else:
            shown = {"authenticated": "authenticated"}.get(state, "expired")
        body: dict[str, Any] = {
            "state": shown,
            "txn_id": txn_id,
            "expires_at": int(txn["expires_at"]),
            "factor": txn["factor"],
        }
        if state == "failed":
            body["reason"] = "too_many_wrong_responses"
        return body

    @staticmethod
    def _raise_if_settled(txn: dict[str, str], now: int) -> None:
        """Answer a settled or expired transaction without spending an attempt or computing anything."""
        if txn["state"] == "authenticated":
            raise ChallengeUsed()
        if txn["state"] != "second_factor" or now >= int(txn["expires_at"]):
            raise ChallengeExpired()

    @staticmethod
    def _raise_for_status(status: str) -> None:
        if status == "missing":
            raise UnknownTransaction()
        if status == "used":
            raise ChallengeUsed()
        raise ChallengeExpired()
