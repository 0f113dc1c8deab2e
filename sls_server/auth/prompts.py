"""Issuing a second-factor step's prompt, for a login or a step-up: open the step on the factor
``factor_choice`` picks, and switch factors or send a new code. Answering it is ``second_factor``'s.

A transaction has one absolute lifetime from its start, :data:`LIFETIME_TTLS` challenge TTLs: a switch or a
new code restarts the prompt's own expiry but never past it, and a login may switch or ask again
:data:`SWITCH_LIMIT` times; the next request kills it. Without both, a client holding a password could keep
a login alive forever and draw challenge after challenge from a card. It also remembers the user's epoch
(:func:`sls_server.accounts.user_fields.new_epoch`), so disabling the user kills it at its next step.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any, NoReturn

from ..accounts.devices import DeviceService
from ..errors import SlsError, StoreUnavailable
from ..event_hold import Cause
from ..events import EventLog
from ..factors import Begin, Factor, FactorRegistry, Prompt
from ..store import Store
from ..store.ids import new_id
from ..store.records import DeviceRecord, LoginTxn, PromptFields
from .errors import InvalidCredentials
from .factor_choice import FactorChoice, Usable
from .step_state import raise_for_status, refuse_if_settled
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


def _refuse_switch(outcome: str) -> NoReturn:
    """The refusal for a switch a Lua step did not make (login_switch_reserve.lua, ..._commit.lua)."""
    raise_for_status({"authenticated": "used", "approved": "used", "failed": "dead"}.get(outcome, outcome))


class Prompts:
    def __init__(
        self,
        store: Store,
        devices: DeviceService,
        factors: FactorRegistry,
        events: EventLog,
        *,
        challenge_ttl: int,
        verify_attempts: int,
    ) -> None:
        self._store = store
        self._factors = factors
        self._events = events
        self._challenge_ttl = challenge_ttl
        self._verify_attempts = verify_attempts
        self._choice = FactorChoice(devices, factors)
        self.pushed: Callable[[LoginTxn, int], object] | None = None
        """Told of each step stored with a push just sent (a login's or a switch's) and when, once stored:
        the simulated phone that approves pushes by itself (``sim.ibkey.app``'s ``approve_by_itself``)
        answers it there. Set by the wiring, as that phone is built after the steps it answers."""

    def usable(self, username: str, *, now: int) -> Usable:
        """Every (factor, device) pair the user could be asked for now (a locked or lapsed device none)."""
        return self._choice.options(username, now=now)[1]

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
        password_epoch: str | None = None,
        hold_for_choice: bool = False,
    ) -> dict[str, Any]:
        """Open the step on what ``FactorChoice.pick`` picks; the client's body.
        ``epoch`` is the user's, read with the password check (or the session's, for a step-up), and so are
        ``device_ids`` and ``devices`` if given. ``mode="challenge"``: IB Key's challenge/response, asked
        for instead of a push. ``suspicion``: what the password step found, kept for the notice the login's
        success sends (``LoginTxn.failed_before``, ``new_place``). ``lock_bucket``: the lockout bucket the
        login's password was counted in, whose lock refuses its answer (``LoginTxn.lock_bucket``).
        ``password_epoch``: a login's, the user's as its password was checked ('' for none yet); a password
        changed since then stores no step, and the login is refused as a wrong password is (it was one by
        then). None for a step-up, whose session's password is not in question. ``hold_for_choice``: the
        client asks the user which device first when there are several (the login pages' *Select Second
        Factor Device*): a phone code the server picks is then not sent yet (``Begin.held``)."""
        factor, device, usable = self._choice.pick(
            username, type_, device_id, default, now=now, device_ids=device_ids, devices=devices
        )
        txn_id = new_id(username, TXN_RANDOM_BYTES)
        dies_at = now + LIFETIME_TTLS * self._challenge_ttl
        found = suspicion or Suspicion()
        held = hold_for_choice and len({d.device_id for _, d in usable}) > 1
        step = Begin(txn_id, username, now, purpose, mode, dies_at, ip, held=held)
        # the challenge goes in the trail ahead of the text, push or call that carried it (written with
        # the step itself: the write-behind's queue rides on the step's creation)
        with self._events.caused() as cause:
            if type_ is None and device_id is None:  # the server's pick: another may open if it cannot
                factor, device, prompt = self._begin_picked(factor, device, usable, step)
            else:
                prompt = factor.begin(device, step)
            if not prompt.shown.get("held"):  # a code held back is issued when it is sent
                self._issued(cause, username, factor, device, now=now, ip=ip, purpose=purpose)
        expires_at = min(now + (prompt.expires_in or self._challenge_ttl), dies_at)
        # one record, built with the prompt's fields (which win, as a ``replace`` would let them): a
        # frozen record built and then replaced was built twice
        fields: dict[str, Any] = dict(
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
        txn = LoginTxn(**{**fields, **(extra or {}), **prompt.remembered})
        if not self._store.logins.create(txn, now=now, password_epoch=password_epoch):
            raise InvalidCredentials()
        self._tell_pushed(txn, prompt, now)
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
        refuse_if_settled(self._store.logins, txn, now)
        factor, device, _ = self._choice.pick(txn.username, type_, device_id, None, now=now)
        outcome, ticket = self._store.logins.reserve_switch(txn_id, now=now)
        if outcome != "ok":
            _refuse_switch(outcome)
        try:
            with self._events.caused() as cause:  # the challenge ahead of the text, push or call it sent
                prompt = factor.begin(
                    device, Begin(txn_id, txn.username, now, txn.purpose, mode, txn.dies_at, ip)
                )
                # recorded once sent, whatever the commit finds: the trail shows every prompt that went out
                self._issued(cause, txn.username, factor, device, now=now, ip=ip, purpose=txn.purpose)
        except StoreUnavailable:
            raise
        except SlsError:
            self._store.logins.release_switch(txn_id)
            raise
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
        self._tell_pushed(replace(txn, **fields, expires_at=expires_at), prompt, now)
        return {
            "txn_id": txn_id,
            "expires_at": expires_at,
            "factor": {"type": factor.type, "device_id": device.device_id, **prompt.shown},
        }

    def _tell_pushed(self, txn: LoginTxn, prompt: Prompt, now: int) -> None:
        """A push stored for a phone that approves pushes by itself (``Prompt.approves_by_itself``)."""
        if prompt.approves_by_itself and txn.mode == "push" and self.pushed is not None:
            self.pushed(txn, now)

    @staticmethod
    def _issued(
        cause: Cause,
        username: str,
        factor: Factor,
        device: DeviceRecord,
        *,
        now: int,
        ip: str | None,
        purpose: str,
    ) -> None:
        cause.record(
            "login.challenge_issued" if purpose == "login" else "stepup.challenge_issued",
            at=now,
            user=username,
            ip=ip,
            factor=factor.type,
            device_id=device.device_id,
            detail=None if purpose == "login" else {"purpose": purpose},
        )
