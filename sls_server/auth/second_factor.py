"""Answering a second-factor step, for a login or a step-up (its prompt is issued by ``prompts``; a settled
step's refusals are ``step_state``'s).

The step lives in a login transaction in Redis. Answers settle in one Lua step (``login_verify.lua``), so a
response is accepted once, and racing answers cannot both win or both spend the same attempt; push approvals
move the step to 'approved' and the session is then handed out once, to the first poll.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, cast

from ..accounts.device_terms import ACTIVE
from ..accounts.devices import DeviceService
from ..errors import InvalidRequest
from ..events import EventLog
from ..factors import ApprovalFactor, FactorRegistry
from ..factors.errors import CodeReplayed
from ..store import Store
from ..store.lockout import DeviceStrikes
from ..store.logins import LoginRead
from ..store.records import DeviceRecord, LoginTxn
from .device_lockout import DeviceLockout
from .errors import (
    AccountDisabled,
    DeviceInactive,
    DeviceLocked,
    InvalidResponse,
    UnknownTransaction,
    WrongMode,
)
from .lockout import Lockout
from .lockout_terms import raise_locked, scripted_until
from .step_state import raise_for_status, record_if_expired, refuse_if_settled
from .step_trail import answered_from, record_step, refusals_recorded

#: Seconds past a login's expiry its approved push may still be collected: a client polling every few
#: seconds still gets a session for an approval made in the login's last second, and no later one.
COLLECT_GRACE_S = 30


#: What a push approval that does not match its login is told (the wrong number picked, or a bad signature).
PUSH_MISMATCH = (
    "The number picked is not the one the login shows, so this login is refused; start a new one. If you did "
    "not start it, someone else has your password: change it."
)


class SecondFactor:
    def __init__(
        self,
        store: Store,
        devices: DeviceService,
        factors: FactorRegistry,
        events: EventLog,
        lockout: Lockout | None,
        device_lockout: DeviceLockout | None,
    ) -> None:
        self._store = store
        self._devices = devices
        self._factors = factors
        self._events = events
        self._lockout = lockout
        self._device_lockout = device_lockout

    def push_passed(self, txn_id: str, notification_id: str) -> bool:
        """Has the step moved past this push: answered, switched to another prompt, ended? A step not found
        has not: the push reaches the app in the step's own round trip but before the step is stored (other
        keys, other slots), so an app looking in between finds the push and no step yet. It was dropped
        then as stale, for good, and the login waited on a phone that never showed it (seen in a CI run).
        A push whose step never comes is dropped at its expiry."""
        txn = self._store.logins.get(txn_id)
        if txn is None:
            return False
        return not (
            txn.state == "second_factor" and txn.mode == "push" and txn.notification_id == notification_id
        )

    def record_if_expired(self, txn: LoginTxn, now: int) -> None:
        """:func:`step_state.record_if_expired`, for a step-up's poll."""
        record_if_expired(self._store.logins, txn, now)

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
        with refusals_recorded(self._events, txn, now=now, ip=ip):
            device, correct = self._checked(txn, response, now=now, ip=ip)
            return self._settle(txn, device, correct, now=now, ip=ip, lock_bucket=lock_bucket)

    def answer_unsettled(
        self, txn: LoginTxn, response: str, *, now: int, ip: str | None, read: DeviceRecord | None = None
    ) -> DeviceStrikes | None:
        """:meth:`answer` for a login whose session settles it in the same step (``SessionIssuer.create``
        with ``completes``): a wrong answer is settled (and refused) here, a right one is left to the
        session's creation, with what that step judges the device by (None without a limit of wrong
        responses). ``read``: the step's device if read with the step (:meth:`load_with_access`)."""
        with refusals_recorded(self._events, txn, now=now, ip=ip):
            device, correct = self._checked(txn, response, now=now, ip=ip, read=read)
            if not correct:  # raises: the attempt spent, the step dead, or (a lock since the read) 423
                self._settle(txn, device, False, now=now, ip=ip, lock_bucket=txn.lock_bucket)
        if not self._device_lockout:
            return None
        # a shared card's clearing of its count asks whether it was disabled since the read; one read with no
        # count to clear is asked all the same (another user's wrong responses are not in this one's strikes)
        if not device.factor_failures and self._device_lockout.disabled_by_another_user(device):
            raise DeviceLocked()
        cleared = self._device_lockout.succeeded(device)
        if cleared is None:  # a wrong response disabled it after the read: as a device found disabled
            raise DeviceLocked()
        return self._device_lockout.strikes(device, cleared)

    def shared_since_read(self, txn: LoginTxn, strikes: DeviceStrikes | None) -> DeviceStrikes | None:
        """The step's card, read as one user's, was shared since (the step settling its right answer found the
        share's mark: 'device_shared'): asked on its own slot, as one read shared is, 423 when another user's
        wrong responses disabled it; else what the settling step, tried again, judges it by."""
        if self._device_lockout and self._device_lockout.disabled_since_shared(txn.device_id):
            raise DeviceLocked()
        return strikes.asked() if strikes else None

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
            # a push the user denied (or one past its expiry) is over: say so, rather than "poll instead"
            refuse_if_settled(self._store.logins, txn, now)
            raise WrongMode.typed_to_push(txn.txn_id, txn.purpose)
        if not factor.response_pattern.fullmatch(response):
            told = f"response must be {factor.response_form} ({factor.title})"
            raise InvalidRequest(told, field="response")
        refuse_if_settled(self._store.logins, txn, now)
        device = self._usable_device(txn, now=now, read=read)
        try:
            return device, factor.check(device, txn, response, now=now)
        except CodeReplayed:
            # costs nothing (no attempt, no failure on the app), but is an attempt: the trail has every one
            record_step(self._events, "login.code_replayed", txn, now=now, ip=ip, result="failure")
            raise

    def answer_push(
        self, txn_id: str, answer: Mapping[str, Any], *, now: int, ip: str | None, by_itself: bool = False
    ) -> str:
        """The app's signed approval or denial; 'approved' or 'denied', else an error. ``by_itself``: the
        phone approved it with nobody's tap (its ``approves_pushes`` hook), which the trail says."""
        txn = self.load(txn_id)
        if txn.mode != "push":
            raise WrongMode("This step is not waiting for an app approval.")
        factor = cast(ApprovalFactor, self._factors.get(txn.factor))
        refuse_if_settled(self._store.logins, txn, now)
        device = self._usable_device(txn, now=now)
        verdict = factor.check_approval(device, txn, answer, now=now)
        if verdict == "valid" and answer.get("decision") == "deny":
            status, _ = self._store.logins.settle(txn.txn_id, now=now, outcome="deny", prompt=txn.prompt)
            if status != "denied":
                raise_for_status(status)
            record_step(
                self._events,
                "push.denied",
                txn,
                now=now,
                ip=txn.ip,
                result="denied",
                detail=_answer_detail(txn, ip),
            )
            return "denied"
        self._settle(
            txn,
            device,
            verdict == "valid",
            now=now,
            ip=ip,
            ok_state="approved",
            ends=verdict == "wrong_number",
            wrong_answer=_wrong_answer_trail(txn, ip, verdict),
            strikes_device=verdict != "wrong_number",
        )
        detail = _answer_detail(txn, ip)
        if by_itself:
            detail = {**(detail or {}), "by_itself": True}
        record_step(self._events, "push.approved", txn, now=now, ip=txn.ip, result="approved", detail=detail)
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
            raise_locked(scripted_until(until), now=now)
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
        wrong_answer: tuple[str | None, dict[str, Any]] | None = None,
        strikes_device: bool = True,
    ) -> DeviceRecord:
        """Settle the answer. ``ends``: a wrong answer that ends the step, whatever attempts are left;
        ``lock_bucket``: a lockout bucket whose lock refuses the answer, right or wrong, settling nothing;
        ``wrong_answer``: the address and detail a wrong answer is recorded with, when not the caller's own
        (an app's answer to a push: :func:`_wrong_answer_trail`); ``strikes_device`` False: a wrong answer
        that is no guess at the device and counts nothing on it (a wrong number picked on a push, signed by
        the holder's own key: number matching ending a login, most often an attacker's in a push bombing,
        whose ten would otherwise disable the victim's own IB Key; the push limit bounds them)."""
        outcome = "ok" if correct else "end" if ends else "bad"
        if correct and self._device_lockout and self._device_lockout.disabled_by_another_user(device):
            raise DeviceLocked()  # another user's wrong responses disabled the shared card since the read
        counted = self._device_lockout if correct or strikes_device else None
        strikes = counted.strikes(device) if counted else None

        def settled(strikes: DeviceStrikes | None) -> tuple[str, int]:
            return self._store.logins.settle(
                txn.txn_id,
                now=now,
                outcome=outcome,
                ok_state=ok_state,
                prompt=txn.prompt,
                lock_bucket=lock_bucket,
                strikes=strikes,
            )

        status, left = settled(strikes)
        if status == "device_shared":  # shared since the read as one user's: asked, as if read so
            status, left = settled(self.shared_since_read(txn, strikes))
        if status == "locked":
            raise_locked(scripted_until(left), now=now)
        if status == "device_locked":  # disabled by a wrong response racing this one, after the read
            raise DeviceLocked()
        if status == "bad":
            trail_ip, extra = wrong_answer or (ip, {})
            record_step(
                self._events,
                "login.second_factor_failed",
                txn,
                now=now,
                ip=trail_ip,
                result="failure",
                detail={"attempts_left": left, **extra},
            )
            # the lock they lead to is recorded where the wrong answers are (a push's: at its login's address)
            if counted and counted.failed(device, txn.username, now=now, ip=trail_ip):
                raise DeviceLocked(attempts_left=0)
            if ok_state == "approved":  # an app's answer: no challenge, the number or signature is off
                raise InvalidResponse(PUSH_MISMATCH, attempts_left=left)
            raise InvalidResponse(attempts_left=left)
        if status != "ok":
            raise_for_status(status)
        if self._device_lockout:  # settled before the lock, if one comes now: it was right while enabled
            cleared = self._device_lockout.succeeded(device)
            self._device_lockout.strikes_cleared(txn.username, device, cleared or 0)
        return device


def _answer_detail(txn: LoginTxn, ip: str | None) -> dict[str, Any] | None:
    """A push answer's detail: where the phone answered from, and what the push confirmed when it was not a
    login (``push.sent``'s ``purpose``), so the feed says "approved a withdrawal", not "a login request"."""
    detail = answered_from(ip)
    if txn.purpose != "login":
        detail = {**(detail or {}), "purpose": txn.purpose}
    return detail


def _wrong_answer_trail(txn: LoginTxn, ip: str | None, verdict: str) -> tuple[str | None, dict[str, Any]]:
    """Where and how the trail records an app's wrong answer to a push: under the address of the login that
    sent it, as its approval and denial are (:func:`.step_trail.answered_from`), the phone's own address in
    the detail. A wrong number picked (``wrong_number``) is number matching ending the login: recorded at the
    phone's address it read as a wrong code typed on this machine, and the attacker's login it stopped, in a
    push bombing or a relay, was nowhere in the line. What a step-up's push confirmed goes in as its answers'
    do (``purpose``)."""
    detail = {
        **(_answer_detail(txn, ip) or {}),
        **({"wrong_number": True} if verdict == "wrong_number" else {}),
    }
    return txn.ip, detail
