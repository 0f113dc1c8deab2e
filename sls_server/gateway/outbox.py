"""``/sim/v1/outbox/latest-code``: the code the user's simulated phone received, or the one its authenticator
app shows, for a tool's "external request" 2FA handler (IBeam's ``EXTERNAL_REQUEST``), which fetches a code
over plain HTTP.

Which of the two: ``factor`` (``phone`` or ``app``) when the caller names one; else what the user's newest
pending login asks for now (a text or a call: the phone; the authenticator app: that app; a card, IB Key or
a temporary passcode: nothing until it switches to the phone, since no code the phone holds is that
login's, and typed into it one fails); else the phone when the user has a number, the app when not. So a
handler that knows nothing of factors gets the code the login page waits for, and one that asks before the
login began gets what it got before apps were served.
The app's code is the one it shows at the server's clock (``sim.authenticator``, the algorithm the server
checks with), not the wall clock a real app or IBeam's own TOTP handler reads, so it logs in after ``sls
clock --advance``. A code is good once (``factors.totp``): ``wait`` hands out a step's code only if neither
this route handed it out before nor a login used that step, so after one the next comes with the next time
step, when the server's clock reaches it (never while it is frozen).

It reads the phone the way the user would (the inbox and the call log, through the phone service), so a
blocked carrier, a delay or a swapped SIM change what it finds exactly as they change what the user sees.
Notices and IB Key activation codes are not second-factor codes and are skipped, and so is a code older
than its validity (``SLS_SMS_CODE_TTL``, from when it was sent, as the login's own expiry: a text a slow
network delivered late is no younger for it). With ``wait`` it hands out only a code it has not handed out
before, holding the request (at most ``wait`` seconds, bounded by the shape) until one arrives, or until the
server is asked to stop (``sls_server.stopping``: the wait outlasts gunicorn's graceful timeout, which would
kill the request); the hand-out is one Lua step, so two callers waiting at once never get the same code.
A waiting request holds a worker thread: eight of them held every thread of ``sls serve``'s default 2 workers
x 4 threads, and no login was answered for 30 s. So a wait takes a place in the process's budget of long-held
requests (:mod:`sls_server.long_held`: half its threads, shared with the trainer's live feeds), or is answered
at once with 429 ``outbox_busy``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Literal, NamedTuple

from .. import stopping
from ..accounts.users import UserService
from ..clock import Clock
from ..long_held import LongHeld
from ..sim.authenticator import AuthenticatorApp
from ..sim.phones import PhoneService
from ..store import Store
from .errors import NoCode, OutboxBusy

#: Purposes of texts that carry a code but are no second factor.
NOT_A_SECOND_FACTOR = frozenset({"notice", "ibkey_activation", "phone_change"})
#: How often a waiting request looks at the phone again.
POLL_S = 0.1
#: The ``retry_after`` of that 429: a waiter's next look at the phone is as soon.
BUSY_RETRY_S = 1
#: The login's factors whose code a text or a call carries (the rest: ``app`` for ``totp``, else no hint).
PHONE_FACTORS = frozenset({"sms", "voice"})
Source = Literal["phone", "app"]
#: What a pending login of the other factors waits for, which no text, call or app brings: the hook has
#: nothing to hand out for it (a text on the phone belongs to another login, and typed in it fails).
NOT_FROM_THE_HOOK = {
    "dscplus": "the security code card's response to its challenge",
    "ibkey": "IB Key (a push to approve, or the response to its challenge)",
    "temporary": "a temporary passcode",
}


class Reader(NamedTuple):
    """Where the codes come from: the cursor they are handed out under, and ``read(now, fresh)``, the
    (id, code) to hand out at ``now`` (``fresh``: only one no login has used), or None."""

    cursor: str
    read: Callable[[int, bool], tuple[str, str] | None]
    waited: str
    """The 404's words when a wait ends with nothing new."""
    empty: str | None = None
    """The 404's words when there is nothing now (no ``wait``); None: the error's own."""


def app_cursor(device_id: str) -> str:
    """The outbox cursor of an authenticator app's codes (``store.keys.outbox_cursor``)."""
    return f"app:{device_id}"


class Outbox:
    def __init__(
        self,
        store: Store,
        users: UserService,
        phones: PhoneService,
        clock: Clock,
        *,
        code_ttl: int,
        long_held: LongHeld,
        authenticator: AuthenticatorApp,
    ) -> None:
        self._repo = store.gateway
        self._logins = store.logins
        self._totp = store.totp
        self._authenticator = authenticator
        self._users = users
        self._phones = phones
        self._clock = clock
        self._code_ttl = code_ttl
        self._long_held = long_held  # this process's: the app is built per worker

    def latest_code(self, username: str, *, wait_s: int, factor: Source | None = None) -> str:
        """The newest code now (``wait_s`` 0), or the newest not handed out before, waiting up to ``wait_s``
        seconds for one; 404 ``no_code`` otherwise (``unknown_user`` for no such user), 429 ``outbox_busy``
        when there is no code to hand out and the process's long-held requests fill its budget already.
        ``factor``: the phone's codes or the authenticator app's; None: as the module says."""
        reader = self._reader(username, factor)
        deadline = time.monotonic() + wait_s
        code = self._look(reader, wait_s=wait_s)
        if code is not None:
            return code
        if not wait_s:
            raise NoCode(reader.empty)
        with self._long_held.place("outbox_wait") as placed:
            if not placed:
                raise OutboxBusy(retry_after=BUSY_RETRY_S)
            code = self._wait(reader, wait_s=wait_s, deadline=deadline)
        if code is None and stopping.wait(0):  # cut short: "within 30 s" would send an operator astray
            raise NoCode("The server is stopping: no new security code arrived on this user's phone before.")
        if code is None:
            raise NoCode(reader.waited.format(wait_s=wait_s))
        return code

    def _reader(self, username: str, factor: Source | None) -> Reader:
        """The phone's or the app's codes, as the caller names, or as the user's pending login asks."""
        number = self._users.get(username).phone
        pending = None if factor == "phone" else self._logins.newest_pending(username, now=self._clock.now())
        if pending is not None and pending.factor == "totp":  # that app, of the user's several
            return self._app_reader(pending.device_id)
        if factor is None and pending is not None and pending.factor not in PHONE_FACTORS:
            return self._guarded_phone(username, number, pending.factor)
        if factor is None:
            asked = pending is not None and pending.factor in PHONE_FACTORS
            factor = "phone" if asked or number is not None else "app"
        if factor == "app":  # no login waits on an app: the user's first
            apps = self._authenticator.codes(username, now=self._clock.now())
            if not apps:
                raise NoCode("This user has no authenticator app, so it shows no code.")
            return self._app_reader(str(apps[0]["device_id"]))
        if number is None:
            raise NoCode("This user has no phone number, so no code reaches them.")
        return Reader(
            number,
            lambda now, _fresh: self._newest(number, now=now),
            "No new security code arrived on this user's phone within {wait_s} s.",
        )

    def _guarded_phone(self, username: str, number: str | None, waits_on: str) -> Reader:
        """The phone's codes once the user's pending login asks for one (it switched to a text or a call,
        or it ended), and nothing while it waits on ``waits_on``, a card, IB Key or a temporary passcode:
        a text on the phone then belongs to another login, and typed into this one it fails."""
        waits_for = NOT_FROM_THE_HOOK.get(waits_on, f"its {waits_on} device")
        said = (
            f"This user's pending login waits for {waits_for}, which no phone or authenticator app receives: "
            "this hook has no code for it{within} (factor=phone reads the phone's codes all the same)."
        )
        if number is None:
            raise NoCode(said.format(within=""))

        def read(now: int, _fresh: bool) -> tuple[str, str] | None:
            pending = self._logins.newest_pending(username, now=now)
            if pending is not None and pending.factor not in PHONE_FACTORS:
                return None
            return self._newest(number, now=now)

        return Reader(number, read, said.format(within=" within {wait_s} s"), said.format(within=""))

    def _app_reader(self, device_id: str) -> Reader:
        def read(now: int, fresh: bool) -> tuple[str, str] | None:
            shown = self._authenticator.code(device_id, now=now)
            step = int(shown["step_started_at"]) // int(shown["period"])
            last = self._totp.last_step(device_id)
            if fresh and last is not None and step <= last:  # a login used it: the server refuses it now
                return None
            return str(step), str(shown["code"])

        return Reader(
            app_cursor(device_id),
            read,
            "The authenticator app showed no code that was neither handed out nor used within {wait_s} s: "
            "the next comes with the next time step, on the server's clock.",
        )

    def _look(self, reader: Reader, *, wait_s: int) -> str | None:
        """The code to hand out now: the newest (``wait_s`` 0), or the newest not handed out before."""
        found = reader.read(self._clock.now(), wait_s > 0)
        if found is None:
            return None
        message_id, code = found
        fresh = self._repo.hand_out(reader.cursor, message_id, keep_s=self._code_ttl)
        return code if fresh or wait_s == 0 else None

    def _wait(self, reader: Reader, *, wait_s: int, deadline: float) -> str | None:
        """Look again every :data:`POLL_S` until a code not handed out before arrives or the wait ends."""
        for _ in range(
            int(wait_s / POLL_S)
        ):  # bounded by count too: a frozen or jumping clock cannot stretch it
            if time.monotonic() >= deadline:
                break
            if stopping.wait(POLL_S):  # a graceful stop: answer now, as when the wait runs out, not be killed
                break
            code = self._look(reader, wait_s=wait_s)
            if code is not None:
                return code
        return None

    def _newest(self, number: str, *, now: int) -> tuple[str, str] | None:
        """(id, code) of the newest usable code the phone holds at ``now``: texts and voice calls alike."""
        received: list[dict[str, Any]] = [
            *self._phones.messages(number, now=now),
            *self._phones.calls(number, now=now),
        ]
        usable = [
            item
            for item in received
            if item.get("code")
            and item.get("purpose") not in NOT_A_SECOND_FACTOR
            and _sent_at(item) > now - self._code_ttl
        ]
        if not usable:
            return None
        newest = max(usable, key=_sent_order)
        return str(newest["id"]), str(newest["code"])


def _sent_at(item: dict[str, Any]) -> int:
    """When the code was sent: a text's ``sent_at`` (its ``at`` is the delivery), a call's ``at``."""
    return int(item.get("sent_at", item["at"]))


def _sent_order(item: dict[str, Any]) -> tuple[int, int]:
    """The login takes the code sent last, so that is the one to hand out: not the one that arrived last (a
    slow network's text sent before a voice callback), nor whichever list was read first when a text and a
    call share a second of the server's clock (``seq`` counts both on the handset)."""
    return _sent_at(item), int(item.get("seq") or 0)
