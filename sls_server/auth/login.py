"""The login flow: password, then a second factor, then a session.

Every login is bound to the client that started it. The start answer hands out a binding secret, the
``login_token``, kept server-side only as its SHA-256; every later call on the transaction (status, switch,
verify) must present it, and the session goes only to that client. Without the binding, anyone who saw a
transaction id (an IB Key notification, a log line, a relayed link) could poll an approved push and take the
session.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from typing import Any

from ..errors import SlsError
from ..events import EventLog
from ..frozen import frozen
from ..store import Store
from ..store.lockout import DeviceStrikes
from ..store.logins import LoginRead
from ..store.records import LoginTxn, UserRecord
from .errors import AccountDisabled, LoginBindingRequired, UnknownTransaction
from .lockout_terms import BUCKET, raise_if_locked
from .password_step import PasswordStep
from .prompts import Prompts
from .second_factor import SecondFactor
from .session_issuing import SessionIssuer
from .session_refusals import SharedSinceRead
from .session_state import Session
from .step_trail import refusals_recorded
from .suspicious import Suspicion, SuspiciousNotices

LOGIN_TOKEN_BYTES = 32


def binding_digest(login_token: str) -> str:
    return hashlib.sha256(login_token.encode()).hexdigest()


@frozen
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
        password: PasswordStep,
        prompts: Prompts,
        steps: SecondFactor,
        issuer: SessionIssuer,
        events: EventLog,
        notices: SuspiciousNotices | None = None,
    ) -> None:
        self._store = store
        self._password = password
        self._prompts = prompts
        self._steps = steps
        self._issuer = issuer
        self._events = events
        self._notices = notices

    def start(
        self,
        username: str,
        password: str,
        *,
        now: int,
        ip: str | None,
        admit: Callable[[UserRecord], None] | None = None,
        hold_for_choice: bool = False,
    ) -> dict[str, Any]:
        """The second-factor step and the ``login_token`` that binds it to this client. ``admit`` may refuse
        the user once the password is right and before any second factor is sent (a door's own rule, as
        gateway mode's paper/live toggle), by raising an ``SlsError``. ``hold_for_choice``: the client asks
        a user with several devices which one first (the login pages), so a phone code is sent only once
        chosen (``Prompts.open``); the API begins the default at once, as its contract says."""
        with self._store.write_behind():  # the step's events and refunds: one round trip at its end
            return self._start(username, password, now=now, ip=ip, admit=admit, hold=hold_for_choice)

    def _start(
        self,
        username: str,
        password: str,
        *,
        now: int,
        ip: str | None,
        admit: Callable[[UserRecord], None] | None,
        hold: bool = False,
    ) -> dict[str, Any]:
        user, view, notes = self._password.admit(username, password, now=now, ip=ip)
        if admit is not None:
            admit(user)
        name = user.username
        self._events.record("login.password_ok", at=now, user=name, ip=ip, result="success")
        login_token = secrets.token_urlsafe(LOGIN_TOKEN_BYTES)
        try:
            opened = self._prompts.open(
                name,
                now=now,
                ip=ip,
                default=user.default_device,
                epoch=user.epoch or "",
                password_epoch=user.password_epoch or "",
                extra={"binding": binding_digest(login_token)},
                device_ids=view.device_ids if view else None,
                devices=view.devices if view else None,
                suspicion=Suspicion.from_notes(notes),
                lock_bucket=notes.get(BUCKET),
                hold_for_choice=hold,
            )
        except SlsError as exc:  # repeatable at will by whoever has the password: counted, not each written
            self._events.record_flood("login.refused", per="ip", at=now, user=name, ip=ip, result=exc.code)
            raise
        return {"state": "second_factor", **opened, "login_token": login_token}

    def switch(
        self,
        txn_id: str,
        login_token: str | None,
        type_: str,
        device_id: str | None,
        *,
        now: int,
        ip: str | None,
        mode: str | None = None,
    ) -> dict[str, Any]:
        txn, read = self._login_txn(txn_id, login_token)
        # Nor one from outside the user's IP restrictions (403, as its verify), judged on the rules read with
        # the login: a list narrowed since the password keeps whoever is outside it from texting the owner.
        self._issuer.require_ip(txn.username, ip, now=now, access=read.access, result="switch_refused")
        # A locked account gets no new code either (423, as its verify): anyone holding the password could
        # otherwise keep texting and calling its owner while the lock lasts. Read with the login.
        raise_if_locked(read.lock, now=now)
        return self._prompts.switch(txn, type_, device_id, now=now, ip=ip, mode=mode)

    def verify(
        self, txn_id: str, login_token: str | None, response: str, *, now: int, ip: str | None
    ) -> Authenticated:
        """The session for a right response. While the lockout bucket the login's password was counted in
        is locked, every answer, right or wrong, gets 423 ``account_locked`` (with ``retry_after``), as the
        password step does, and changes nothing: no attempt spent, no session. The login is not consumed: a
        timed lock refuses while it lasts (it ends nothing), so once it ends the login may be answered again
        if its own expiry has not passed. The lock is read with the login (no round trip more) and judged
        again in the scripts that settle it (``session_create.lua``, ``login_verify.lua``, on the user's
        slot), so a lock placed while the response is checked still refuses it."""
        txn, read = self._login_txn(txn_id, login_token)
        with self._store.write_behind():
            self._issuer.require_ip(txn.username, ip, now=now, access=read.access)
            raise_if_locked(read.lock, now=now)
            self._issuer.refuse_if_busy(txn.username, now=now)
            strikes = self._steps.answer_unsettled(txn, response, now=now, ip=ip, read=read.device)

            def finish(judged: DeviceStrikes | None) -> Authenticated:
                return self._finish(
                    txn, now=now, ip=ip, settle=True, strikes=judged, default_device=read.default_device
                )

            with refusals_recorded(self._events, txn, now=now, ip=ip):  # a racing answer took the login first
                try:
                    return finish(strikes)
                except SharedSinceRead:  # its card shared since the read as one user's: asked, then again
                    return finish(self._steps.shared_since_read(txn, strikes))

    def status(
        self, txn_id: str, login_token: str | None, *, now: int, ip: str | None
    ) -> tuple[dict[str, Any], Authenticated | None]:
        """Where a login stands; once a push is approved, the first poll also gets the session."""
        txn, read = self._login_txn(txn_id, login_token)
        state = txn.state
        if state in ("second_factor", "approved") and not read.user_stands:
            raise AccountDisabled()  # disabled or deleted since it began: what its verify or collection says
        body: dict[str, Any] = {"txn_id": txn_id, "expires_at": txn.expires_at, "factor": txn.factor}
        if state == "approved":  # its session, once, unless the account is locked (423, as verify is)
            self._issuer.require_ip(txn.username, ip, now=now, access=read.access)
            raise_if_locked(read.lock, now=now)
            collected = self._steps.collect(txn_id, now=now, lock_bucket=txn.lock_bucket)
            if collected == "ok":
                with self._store.write_behind():
                    result = self._finish(txn, now=now, ip=ip, default_device=read.default_device)
                return {**body, **result.body()}, result
            state = "expired" if collected == "expired" else "authenticated"  # else a racing poll took it
        if state == "second_factor":
            shown = "expired" if now >= txn.expires_at else "pending"
            if shown == "expired":  # told so, it stays so if the clock goes back
                self._store.logins.expire(txn_id, now=now)
        else:
            shown = state if state in ("authenticated", "denied") else "expired"
        reason = {
            "failed": "too_many_wrong_responses",
            "revoked": "account_disabled",
            "exhausted": "too_many_switches",
            "device_revoked": "device_revoked",
        }.get(state)
        if reason:
            body["reason"] = reason
        return {**body, "state": shown}, None

    def _login_txn(self, txn_id: str, login_token: str | None) -> tuple[LoginTxn, LoginRead]:
        """The transaction, if the caller is the client it is bound to, with what was read alongside it in
        the same round trip (its user's IP rules and standing, perhaps its device). A missing and a wrong
        token get the same answer, so the route is no oracle for which transactions exist under which
        token."""
        if not login_token:
            raise LoginBindingRequired()
        read = self._steps.load_with_access(txn_id)
        txn = read.txn
        if txn is None or txn.purpose != "login":
            raise UnknownTransaction()
        if not hmac.compare_digest(binding_digest(login_token), txn.binding or ""):
            raise LoginBindingRequired()
        return txn, read

    def _finish(
        self,
        txn: LoginTxn,
        *,
        now: int,
        ip: str | None,
        settle: bool = False,
        strikes: DeviceStrikes | None = None,
        default_device: str | None = None,
    ) -> Authenticated:
        """The session, the bookkeeping of a login that succeeded, and its event. ``settle``: the login's
        right answer is settled by the session's creation itself (a typed response), which judges its
        device's ``strikes`` too; a push approval was settled by the app's answer and collected by the
        poll. ``default_device``: the user's device offered first, as read with the login (the same round
        trip): one the login came through already is not written again."""
        name = txn.username
        token, session = self._issuer.create(
            name,
            factor=txn.factor,
            device_id=txn.device_id,
            now=now,
            ip=ip,
            epoch=txn.epoch or "",
            completes=txn.txn_id if settle else None,
            prompt=txn.prompt if settle else "",
            lock_bucket=txn.lock_bucket if settle else None,
            strikes=strikes if settle else None,
        )
        # the address that passed the password step is the one the user "knows"
        self._password.succeeded(name, txn.ip or ip, now=now)
        if txn.device_id != default_device:
            self._store.users.remember_device(name, txn.device_id)  # M2FS: offered first next time
        # what the sign-in notice tells the user, in the trail too: a trainer's feed shows the new place
        noticed: dict[str, Any] = {"new_place": True} if txn.new_place else {}
        if txn.failed_before:
            noticed["failed_before"] = txn.failed_before
        self._events.record(
            "login.succeeded",
            at=now,
            user=name,
            ip=ip,
            factor=txn.factor,
            device_id=txn.device_id,
            result="success",
            detail=noticed or None,
        )
        if self._notices and (txn.failed_before or txn.new_place):  # read with the step: no round trip
            suspicion = Suspicion(txn.failed_before or 0, bool(txn.new_place))
            self._notices.signed_in(name, suspicion, txn.ip or ip, now=now)
        return Authenticated(token, session)
