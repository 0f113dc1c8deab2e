"""Step-up ("verify your identity"): inside a session, a fresh second factor for a sensitive task.

A verified step-up is written on the session as ``verified:<purpose>`` with its deadline, and the session
token is rotated (ASVS 7.2.4: a new token after re-authentication). Routes that change security settings
or move money call :meth:`StepUp.require`, which answers 401 ``reauth_required`` without a fresh one. A
withdrawal also spends it (:meth:`StepUp.spend`): one step-up, one withdrawal (ASVS 5.0 7.5.3); the other
purposes keep theirs for ``SLS_STEPUP_VALIDITY`` seconds.
"""

from __future__ import annotations

from typing import Any

from ..accounts.user_fields import canonical_username
from ..errors import InvalidRequest, NotAuthenticated
from ..events import EventLog
from ..store.records import LoginTxn
from .errors import ChallengeUsed, InvalidCredentials, ReauthRequired, UnknownTransaction
from .password_step import PasswordStep
from .prompts import Prompts
from .second_factor import SecondFactor
from .session_state import Session
from .sessions import SessionService
from .step_trail import refusals_recorded

PURPOSES = ("withdrawal", "change_contact", "add_device", "change_security", "trade_permissions")


class StepUp:
    def __init__(
        self,
        prompts: Prompts,
        steps: SecondFactor,
        sessions: SessionService,
        events: EventLog,
        password: PasswordStep,
        *,
        validity: int,
    ) -> None:
        self._prompts = prompts
        self._steps = steps
        self._password = password
        self._sessions = sessions
        self._events = events
        self.validity = validity

    def begin(
        self,
        session: Session,
        purpose: str,
        *,
        now: int,
        ip: str | None,
        type_: str | None,
        device_id: str | None,
        mode: str | None = None,
    ) -> dict[str, Any]:
        """Open the step on the factor asked for, else the one the user logged in with. ``mode="challenge"``
        gives IB Key's Challenge Code and passcode field instead of a push: the broker's "verify your
        identity" procedure."""
        if purpose not in PURPOSES:
            raise InvalidRequest(f"purpose must be one of {', '.join(PURPOSES)}", field="purpose")
        # no challenge, code or push while the account is locked (423), as no answer is taken then either
        bucket = self._steps.lock_bucket_for(session.username, ip)
        self._steps.refuse_if_locked(session.username, bucket, now=now)
        opened = self._prompts.open(
            session.username,
            now=now,
            ip=ip,
            purpose=purpose,
            extra={"session_id": session.id},
            type_=type_,
            device_id=device_id,
            default=session.device_id,  # the factor the user logged in with, as the login page remembers
            epoch=session.epoch,
            mode=mode,
        )
        return {"state": "second_factor", "purpose": purpose, **opened}

    def confirm_password(
        self, session: Session, username: str, password: str, *, now: int, ip: str | None
    ) -> None:
        """The username and password Client Portal asks for before a task's challenge ("How to verify your
        identity", step 1), checked as a login's are: a wrong password counts towards the lockout and is
        recorded (``stepup.password_failed``), a locked account or a refused address is refused. The name
        must be the session's own user; another one is a wrong name, checked against nobody and counted
        against nobody, but recorded as the session user's failed attempt (every attempt is an event)."""
        try:
            typed = canonical_username(username)
        except InvalidRequest:
            typed = None
        if typed != session.username:
            self._events.record(
                "stepup.password_failed",
                at=now,
                user=session.username,
                ip=ip,
                result="failure",
                detail={"reason": "another_username"},
            )
            raise InvalidCredentials()
        self._password.verify(session.username, password, now=now, ip=ip, door="stepup")

    def challenge_mode(self, session: Session, txn_id: str, *, now: int, ip: str | None) -> dict[str, Any]:
        """The pending step's push replaced by IB Key's Challenge/Response ("use Challenge/Response instead",
        for a phone that gets no notifications); the new prompt. Only the session that opened the step may
        (under any of its tokens: ``_own``)."""
        txn = self._own(session, txn_id, now=now, ip=ip)
        if txn.factor != "ibkey":
            raise InvalidRequest("only an IB Key step has a Challenge/Response mode", field="txn_id")
        return self._prompts.switch(txn, "ibkey", txn.device_id, now=now, ip=ip, mode="challenge")

    def complete(
        self, session: Session, txn_id: str, response: str | None, *, now: int, ip: str | None
    ) -> tuple[dict[str, Any], str | None]:
        """A typed response, or (no response) a poll for an app approval. The body and, once verified, the
        rotated session token. While the lockout bucket this request counts in is locked, 423
        ``account_locked`` and nothing changes, as for a login's verify (``LoginService.verify``): judged
        before the answer is checked (a read of its own: a step-up is no login's hot path) and again in the
        script that settles the step (``login_verify.lua``, ``login_collect.lua``). The step stays pending,
        answerable once the lock ends, within its own expiry."""
        txn = self._own(session, txn_id, now=now, ip=ip)
        bucket = self._steps.lock_bucket_for(session.username, ip)
        self._steps.refuse_if_locked(session.username, bucket, now=now)
        if response is None:
            if self._steps.collect(txn_id, now=now, lock_bucket=bucket) != "ok":
                state = txn.state
                pending = state == "second_factor" and now < txn.expires_at
                self._steps.record_if_expired(txn, now)  # told "expired", it stays so if the clock goes back
                shown = "pending" if pending else ("denied" if state == "denied" else "expired")
                body: dict[str, Any] = {"state": shown, "purpose": txn.purpose, "txn_id": txn_id}
                if state == "failed":  # ended by a wrong answer (a wrong number picked), not by its clock
                    body["reason"] = "too_many_wrong_responses"
                return body, None
        else:
            self._steps.answer(txn, response, now=now, ip=ip, lock_bucket=bucket)
        valid_until = now + self.validity
        token, rotated = self._sessions.issuer.rotate(
            session, now=now, ip=ip, verified={txn.purpose: valid_until}
        )
        self._events.record(
            "stepup.verified",
            at=now,
            user=session.username,
            ip=ip,
            factor=txn.factor,
            device_id=txn.device_id,
            detail={"purpose": txn.purpose},
        )
        body = {
            "state": "verified",
            "purpose": txn.purpose,
            "valid_until": valid_until,
            "session": {
                "token": token,
                "idle_expires_at": rotated.idle_expires_at,
                "expires_at": rotated.expires_at,
            },
        }
        return body, token

    def _own(self, session: Session, txn_id: str, *, now: int, ip: str | None) -> LoginTxn:
        """The step-up ``txn_id``, if this session opened it (under its token now, or one a step-up rotated it
        from)."""
        txn = self._steps.load(txn_id)
        if txn.purpose == "login" or txn.username != session.username:
            raise UnknownTransaction()  # someone else's step, or a login: no oracle either way
        if txn.session_id != session.id:
            if txn.session_id in session.retired and txn.state != "authenticated":
                # opened by this session before another step-up (another tab's) rotated its token: still this
                # session's, by the server's own record (``SessionRecord.retired``); the step's scripts refuse
                # one already answered, so one response still completes one step
                return txn
            if txn.state in ("authenticated", "approved"):
                # answered already, by this user's session before its token rotated: a replay, recorded
                with refusals_recorded(self._events, txn, now=now, ip=ip):
                    raise ChallengeUsed()
            raise UnknownTransaction()
        return txn

    def require(self, session: Session, purpose: str, *, now: int) -> None:
        """401 ``reauth_required`` unless the session, as read, holds a fresh step-up for ``purpose``."""
        if session.verified.get(purpose, 0) <= now:
            raise ReauthRequired(purpose=purpose)

    def spend(self, session: Session, purpose: str, *, now: int) -> None:
        """Spend the session's step-up for ``purpose``, for a task that may be done once per verification (a
        withdrawal: ASVS 5.0 7.5.3 asks a fresh factor for each). One step in Redis, so of tasks racing on
        one verification exactly one goes on; the others, and any task after it, get 401 ``reauth_required``
        as without one. Call it once the task's request is known good: a refused request spends nothing."""
        spent = self._sessions.spend_step_up(session, purpose, now=now)
        if spent == "ended":
            raise NotAuthenticated("The session ended before this task was done: log in again.")
        if spent != "ok":
            raise ReauthRequired(purpose=purpose)
