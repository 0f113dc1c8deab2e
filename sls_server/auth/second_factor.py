"""A second-factor step, for a login or a step-up: pick a factor (``factor_choice``), issue its prompt,
switch factors, settle (a settled step's refusals: ``step_state``).

The step lives in a login transaction in Redis. Answers settle in one Lua step (``login_verify.lua``), so a
response is accepted once; switching factors or asking for a new code keeps the attempt count; push
approvals move the step to 'approved' and the session is then handed out once, to the first poll.

A transaction has one absolute lifetime from its start, :data:`LIFETIME_TTLS` challenge TTLs: a switch or a
new code restarts the prompt's own expiry but never past it, and a login may switch or ask again
:data:`SWITCH_LIMIT` times; the next request kills it. Without both, a client holding a password could keep
a login alive forever and draw challenge after challenge from a card. It also remembers the user's epoch
(:func:`sls_server.accounts.users.new_epoch`), so disabling the user kills it at its next step.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, Literal, NoReturn, cast

from ..accounts.devices import ACTIVE, DeviceService
from ..errors import InvalidRequest, SlsError, StoreUnavailable
from ..events import EventLog
from ..factors import ApprovalFactor, Begin, Factor, FactorRegistry, Prompt
from ..factors.errors import CodeReplayed
from ..store import Store
from ..store.ids import new_id
from ..store.logins import LoginRead
from ..store.records import DeviceRecord, LoginTxn, PromptFields
from .errors import (
    AccountDisabled,
    DeviceInactive,
    DeviceLocked,
    InvalidResponse,
    UnknownTransaction,
    WrongMode,
)
from .factor_choice import FactorChoice, Usable
from .lockout import Lockout, raise_locked
from .step_state import raise_for_status, raise_if_settled
from .suspicious import Suspicion

#: A login transaction lives at most this many challenge TTLs (SLS_CHALLENGE_TTL) from its start: room for
#: the first prompt, a new code and a switch to another factor, and no more.
LIFETIME_TTLS = 3
#: Factor switches plus new codes ("didn't receive a security code?") one login may ask for; one more
#: kills it.
SWITCH_LIMIT = 5
TXN_RANDOM_BYTES = 18
#: The ``prompt_no`` of a step's first prompt; a switch's prompt takes its reservation's ticket, from 1 up.
FIRST_PROMPT = 0
#: Seconds past a login's expiry its approved push may still be collected: a client polling every few
#: seconds still gets a session for an approval made in the login's last second, and no later one.
COLLECT_GRACE_S = 30


#: What a push approval that does not match its login is told (the wrong number picked, or a bad signature).
PUSH_MISMATCH = (
    "The number picked is not the one the login shows, so this login is refused; start a new one. If you did "
    "not start it, someone else has your password: change it."
)


def _refuse_switch(outcome: str) -> NoReturn:
    """The refusal for a switch a Lua step did not make (login_switch_reserve.lua, ..._commit.lua)."""
    raise_for_status({"authenticated": "used", "approved": "used", "failed": "dead"}.get(outcome, outcome))


class SecondFactor:
    def __init__(
        self,
        store: Store,
        devices: DeviceService,
        factors: FactorRegistry,
        events: EventLog,
        lockout: Lockout | None,
        *,
        challenge_ttl: int,
        verify_attempts: int,
    ) -> None:
        self._store = store
        self._devices = devices
        self._factors = factors
        self._events = events
        self._lockout = lockout
        self._challenge_ttl = challenge_ttl
        self._verify_attempts = verify_attempts
        self._choice = FactorChoice(devices, factors)

    # --- issuing -----------------------------------------------------------------------------------------

    def open(
        self,
        username: str,
        *,
        now: int,
        ip: str | None,
        purpose: str = "login",
        default: str | None = None,
        extra: PromptFields | None = None,
        type_: str | None = None,
        device_id: str | None = None,
        epoch: str = "",
        device_ids: Sequence[str] | None = None,
        devices: Sequence[DeviceRecord] | None = None,
        mode: str | None = None,
        suspicion: Suspicion | None = None,
        lock_bucket: str | None = None,
    ) -> dict[str, Any]:
        """Open the step on what ``FactorChoice.pick`` picks; the client's body.
        ``epoch`` is the user's, read with the password check (or the session's, for a step-up), and so are
        ``device_ids`` and ``devices`` if given. ``mode="challenge"``: IB Key's challenge/response, asked
        for instead of a push. ``suspicion``: what the password step found, kept for the notice the login's
        success sends (``LoginTxn.failed_before``, ``new_place``). ``lock_bucket``: the lockout bucket the
        login's password was counted in, whose lock refuses its answer (``LoginTxn.lock_bucket``)."""
        factor, device, usable = self._choice.pick(
            username, type_, device_id, default, now=now, device_ids=device_ids, devices=devices
        )
        txn_id = new_id(username, TXN_RANDOM_BYTES)
        dies_at = now + LIFETIME_TTLS * self._challenge_ttl
        found = suspicion or Suspicion()
        step = Begin(txn_id, username, now, purpose, mode, dies_at)
        if type_ is None and device_id is None:  # the server's pick: another may open if it cannot
            factor, device, prompt = self._begin_picked(factor, device, usable, step)
        else:
            prompt = factor.begin(device, step)
        expires_at = min(now + (prompt.expires_in or self._challenge_ttl), dies_at)
        txn = LoginTxn(
            txn_id=txn_id,
            username=username,
            purpose=purpose,
            state="second_factor",
            factor=factor.type,
            device_id=device.device_id,
            created_at=now,
            expires_at=expires_at,
            dies_at=dies_at,
            attempts_left=self._verify_attempts,
            switches_left=SWITCH_LIMIT,
            prompt_no=FIRST_PROMPT,
            epoch=epoch or None,
            ip=ip,
            failed_before=found.failed_before or None,
            new_place=found.new_place or None,
            lock_bucket=lock_bucket,
        )
        remembered: PromptFields = {**(extra or {}), **prompt.remembered}
        self._issued(username, factor, device, now=now, ip=ip, purpose=purpose)  # sent with the step itself
        self._store.logins.create(replace(txn, **remembered), now=now)
        return {
            "txn_id": txn_id,
            "expires_at": expires_at,
            "factor": {"type": factor.type, "device_id": device.device_id, **prompt.shown},
            "factors": [self._choice.entry(name, d) for name, d in usable],
        }

    def _begin_picked(
        self, factor: Factor, device: DeviceRecord, usable: Usable, step: Begin
    ) -> tuple[Factor, DeviceRecord, Prompt]:
        """Begin the step on the factor the server picked (the last login's device, M2FS) or, when a rate
        limit refuses to begin it (the SMS send limit, a card's challenge limit: ``rate_limited``), on the
        next usable one in the pick's order. Whoever spent the limit (the user, or an attacker with her
        password flooding texts) no longer refuses the whole login of a user who holds other factors: the
        step opens on one of them, and the limited one stays refused on a switch. With none that begins,
        the first refusal stands."""
        try:
            return factor, device, factor.begin(device, step)
        except SlsError as exc:
            if exc.code != "rate_limited":
                raise
            refused = exc
        for name, other in self._choice.in_order(usable, skip=(factor.type, device.device_id)):
            candidate = self._factors.get(name)
            try:
                return candidate, other, candidate.begin(other, step)
            except SlsError as exc:
                if exc.code != "rate_limited":
                    raise
        raise refused

    def switch(
        self,
        txn: LoginTxn,
        type_: str,
        device_id: str | None,
        *,
        now: int,
        ip: str | None,
        mode: str | None = None,
    ) -> dict[str, Any]:
        """Another factor, or a new code on the same one ("didn't receive a security code?").
        ``txn`` is the step as the caller loaded it (to check whose it is).

        The switch is reserved first, atomically (``LoginRepo.reserve_switch``: the step still pending, one
        of its :data:`SWITCH_LIMIT` spent), and only then is the new prompt sent: a refused request (the
        limit reached, the step settled or expired) texts, calls, pushes or draws nothing, however many race.
        A prompt the factor refuses before sending anything (a send limit, a card's challenge limit) gives
        the switch back, even while others race it, so only what was sent counts against the limit; a
        failure of the store itself keeps it spent (fail closed: whether it sent is unknown). Of racing
        switches that all sent, the newest reservation's prompt is the one written; an older one is told its
        prompt was replaced (410)."""
        txn_id = txn.txn_id
        self.refuse_if_settled(txn, now)
        factor, device, _ = self._choice.pick(txn.username, type_, device_id, None, now=now)
        outcome, ticket = self._store.logins.reserve_switch(txn_id, now=now)
        if outcome != "ok":
            _refuse_switch(outcome)
        try:
            prompt = factor.begin(device, Begin(txn_id, txn.username, now, txn.purpose, mode, txn.dies_at))
        except StoreUnavailable:
            raise
        except SlsError:
            self._store.logins.release_switch(txn_id)
            raise
        # recorded once sent, whatever the commit finds: the audit trail shows every prompt that went out
        self._issued(txn.username, factor, device, now=now, ip=ip, purpose=txn.purpose)
        wanted = now + (prompt.expires_in or self._challenge_ttl)
        # "mode" decides how the step is answered (push or typed): a switch must not inherit the old one
        fields: PromptFields = {
            "factor": factor.type,
            "device_id": device.device_id,
            "mode": None,
            **prompt.remembered,
        }
        outcome, expires_at = self._store.logins.commit_switch(
            txn_id, now=now, ticket=ticket, expires_at=wanted, fields=fields
        )
        if outcome != "ok":
            _refuse_switch(outcome)
        return {
            "txn_id": txn_id,
            "expires_at": expires_at,
            "factor": {"type": factor.type, "device_id": device.device_id, **prompt.shown},
        }

    def _issued(
        self,
        username: str,
        factor: Factor,
        device: DeviceRecord,
        *,
        now: int,
        ip: str | None,
        purpose: str,
    ) -> None:
        self._events.record(
            "login.challenge_issued" if purpose == "login" else "stepup.challenge_issued",
            at=now,
            user=username,
            ip=ip,
            factor=factor.type,
            device_id=device.device_id,
            detail=None if purpose == "login" else {"purpose": purpose},
        )

    # --- settling ----------------------------------------------------------------------------------------

    def awaits_push(self, txn_id: str, notification_id: str) -> bool:
        """Does the step still wait for this push: not answered, not switched to another prompt, not ended?"""
        txn = self._store.logins.get(txn_id)
        return bool(
            txn
            and txn.state == "second_factor"
            and txn.mode == "push"
            and txn.notification_id == notification_id
        )

    def refuse_if_settled(self, txn: LoginTxn, now: int) -> None:
        """:func:`raise_if_settled`; a pending step found past its expiry is recorded expired first, so the
        410 stands if the clock is moved back (the step does not come back to life)."""
        self.record_if_expired(txn, now)
        raise_if_settled(txn, now)

    def record_if_expired(self, txn: LoginTxn, now: int) -> None:
        """A pending step past its expiry at ``now`` is marked expired, for good (a poll that says so too)."""
        if txn.state == "second_factor" and now >= txn.expires_at:
            self._store.logins.expire(txn.txn_id, now=now)

    def load(self, txn_id: str) -> LoginTxn:
        txn = self._store.logins.get(txn_id)
        if not txn:
            raise UnknownTransaction()
        return txn

    def load_with_access(self, txn_id: str) -> LoginRead:
        """The step, its user's IP rules and standing, and perhaps its device, read together (the login's
        verify judges the address, then the response); the device is None when it was not read with them."""
        read = self._store.logins.get_with_access(txn_id)
        if not read.txn:
            raise UnknownTransaction()
        return read

    def answer(
        self, txn: LoginTxn, response: str, *, now: int, ip: str | None, lock_bucket: str | None = None
    ) -> DeviceRecord:
        """Check a typed response (card, app code, SMS) to the step the caller loaded; the device once
        accepted, else an error. Settling re-checks the stored state atomically, so a stale copy is safe;
        ``lock_bucket``: a lockout bucket whose lock, judged in the same step, refuses it (423)."""
        device, correct = self._checked(txn, response, now=now, ip=ip)
        return self._settle(txn, device, correct, now=now, ip=ip, lock_bucket=lock_bucket)

    def answer_unsettled(
        self, txn: LoginTxn, response: str, *, now: int, ip: str | None, read: DeviceRecord | None = None
    ) -> DeviceRecord:
        """:meth:`answer` for a login whose session settles it in the same step (``SessionService.create``
        with ``completes``): a wrong answer is settled (and refused) here, a right one is left to the
        session's creation. ``read``: the step's device if read with the step (:meth:`load_with_access`)."""
        device, correct = self._checked(txn, response, now=now, ip=ip, read=read)
        if not correct:  # raises: the attempt spent, the step dead, or (a lock since the read) 423, unspent
            self._settle(txn, device, False, now=now, ip=ip, lock_bucket=txn.lock_bucket)
        if self._lockout:
            self._lockout.device_succeeded(device)
        return device

    def _checked(
        self,
        txn: LoginTxn,
        response: str,
        *,
        now: int,
        ip: str | None,
        read: DeviceRecord | None = None,
    ) -> tuple[DeviceRecord, bool]:
        factor = self._factors.get(txn.factor)
        if txn.mode == "push":
            raise WrongMode("This step waits for approval in the app; poll the transaction instead.")
        if not factor.response_pattern.fullmatch(response):
            raise InvalidRequest(f"response does not have the form a {txn.factor} gives", field="response")
        self.refuse_if_settled(txn, now)
        device = self._usable_device(txn, now=now, read=read)
        try:
            return device, factor.check(device, txn, response, now=now)
        except CodeReplayed:
            # costs nothing (no attempt, no failure on the app), but is an attempt: the trail has every one
            self._record_step("login.code_replayed", txn, now=now, ip=ip, result="failure")
            raise

    def _record_step(
        self,
        type_: str,
        txn: LoginTxn,
        *,
        now: int,
        ip: str | None,
        result: str,
        detail: dict[str, Any] | None = None,
    ) -> None:
        """An event of a step's answer, named by its login's user, factor and device."""
        self._events.record(
            type_,
            at=now,
            user=txn.username,
            ip=ip,
            factor=txn.factor,
            device_id=txn.device_id,
            result=result,
            detail=detail,
        )

    def answer_push(self, txn_id: str, answer: Mapping[str, Any], *, now: int, ip: str | None) -> str:
        """The app's signed approval or denial; 'approved' or 'denied', else an error."""
        txn = self.load(txn_id)
        if txn.mode != "push":
            raise WrongMode("This step is not waiting for an app approval.")
        factor = cast(ApprovalFactor, self._factors.get(txn.factor))
        self.refuse_if_settled(txn, now)
        device = self._usable_device(txn, now=now)
        verdict = factor.check_approval(device, txn, answer, now=now)
        if verdict == "valid" and answer.get("decision") == "deny":
            status, _ = self._store.logins.settle(txn.txn_id, now=now, outcome="deny", prompt=txn.prompt)
            if status != "denied":
                raise_for_status(status)
            self._record_step("push.denied", txn, now=now, ip=ip, result="denied")
            return "denied"
        self._settle(
            txn,
            device,
            verdict == "valid",
            now=now,
            ip=ip,
            ok_state="approved",
            ends=verdict == "wrong_number",
        )
        self._record_step("push.approved", txn, now=now, ip=ip, result="approved")
        return "approved"

    def collect(
        self, txn_id: str, *, now: int, lock_bucket: str | None = None
    ) -> Literal["ok", "expired", "no"]:
        """``ok`` for the one poll that takes an approved step; ``no`` when it is not approved (any more: a
        racing poll took it). A step whose user was disabled is refused, and so is one while ``lock_bucket``
        is locked (423; it stays approved, for a poll after the lock); one left uncollected past its expiry
        (and :data:`COLLECT_GRACE_S`) is ``expired``: no session outlives the login's lifetime by more than
        a poll's interval."""
        outcome, until = self._store.logins.collect(
            txn_id, now=now, grace_s=COLLECT_GRACE_S, lock_bucket=lock_bucket
        )
        if outcome == "revoked":
            raise AccountDisabled()
        if outcome == "locked":
            raise_locked(until, now=now)
        return "ok" if outcome == "ok" else "expired" if outcome == "expired" else "no"

    def lock_bucket_for(self, username: str, ip: str | None) -> str | None:
        """The lockout bucket a request of the user from ``ip`` counts in (a step-up's); None without a
        lockout."""
        return self._lockout.bucket_of(username, ip) if self._lockout else None

    def refuse_if_locked(self, username: str, bucket: str | None, *, now: int) -> None:
        """423 ``account_locked`` while the user's ``bucket`` is locked, before any answer is checked."""
        if self._lockout and bucket:
            self._lockout.refuse_if_locked(username, bucket, now=now)

    def _usable_device(self, txn: LoginTxn, *, now: int, read: DeviceRecord | None = None) -> DeviceRecord:
        device = read if read and read.device_id == txn.device_id else self._store.devices.get(txn.device_id)
        if not device or device.status != ACTIVE or txn.username not in device.users:
            raise DeviceInactive()
        if device.factor_locked:
            raise DeviceLocked()
        if self._devices.lapse_seen(device, now=now):
            raise DeviceInactive("That authenticator has lapsed (a temporary passcode past its validity).")
        return device

    def _settle(
        self,
        txn: LoginTxn,
        device: DeviceRecord,
        correct: bool,
        *,
        now: int,
        ip: str | None,
        ok_state: str = "authenticated",
        ends: bool = False,
        lock_bucket: str | None = None,
    ) -> DeviceRecord:
        """Settle the answer. ``ends``: a wrong answer that ends the step, whatever attempts are left;
        ``lock_bucket``: a lockout bucket whose lock refuses the answer, right or wrong, settling nothing."""
        outcome = "ok" if correct else "end" if ends else "bad"
        status, left = self._store.logins.settle(
            txn.txn_id,
            now=now,
            outcome=outcome,
            ok_state=ok_state,
            prompt=txn.prompt,
            lock_bucket=lock_bucket,
        )
        if status == "locked":
            raise_locked(left, now=now)
        if status == "bad":
            self._record_step(
                "login.second_factor_failed",
                txn,
                now=now,
                ip=ip,
                result="failure",
                detail={"attempts_left": left},
            )
            if self._lockout and self._lockout.device_failed(device, now=now, ip=ip):
                raise DeviceLocked(attempts_left=0)
            if ok_state == "approved":  # an app's answer: no challenge, the number or signature is off
                raise InvalidResponse(PUSH_MISMATCH, attempts_left=left)
            raise InvalidResponse(attempts_left=left)
        if status != "ok":
            raise_for_status(status)
        if self._lockout:
            self._lockout.device_succeeded(device)
        return device
