"""``/sim/v1/outbox/latest-code``: the code the user's simulated phone received, for a tool's "external
request" 2FA handler (IBeam's ``EXTERNAL_REQUEST``), which fetches a code over plain HTTP.

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
from typing import Any

from .. import stopping
from ..accounts.users import UserService
from ..clock import Clock
from ..long_held import LongHeld
from ..sim.phones import PhoneService
from ..store import Store
from .errors import NoCode, OutboxBusy

#: Purposes of texts that carry a code but are no second factor.
NOT_A_SECOND_FACTOR = frozenset({"notice", "ibkey_activation", "phone_change"})
#: How often a waiting request looks at the phone again.
POLL_S = 0.1
#: The ``retry_after`` of that 429: a waiter's next look at the phone is as soon.
BUSY_RETRY_S = 1


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
    ) -> None:
        self._repo = store.gateway
        self._users = users
        self._phones = phones
        self._clock = clock
        self._code_ttl = code_ttl
        self._long_held = long_held  # this process's: the app is built per worker

    def latest_code(self, username: str, *, wait_s: int) -> str:
        """The newest code now (``wait_s`` 0), or the newest not handed out before, waiting up to ``wait_s``
        seconds for one; 404 ``no_code`` otherwise (``unknown_user`` for no such user), 429 ``outbox_busy``
        when there is no code to hand out and the process's long-held requests fill its budget already."""
        number = self._users.get(username).phone
        if number is None:
            raise NoCode("This user has no phone number, so no code reaches them.")
        deadline = time.monotonic() + wait_s
        code = self._look(number, wait_s=wait_s)
        if code is not None:
            return code
        if not wait_s:
            raise NoCode()
        with self._long_held.place("outbox_wait") as placed:
            if not placed:
                raise OutboxBusy(retry_after=BUSY_RETRY_S)
            code = self._wait(number, wait_s=wait_s, deadline=deadline)
        if code is None and stopping.wait(0):  # cut short: "within 30 s" would send an operator astray
            raise NoCode("The server is stopping: no new security code arrived on this user's phone before.")
        if code is None:
            raise NoCode(f"No new security code arrived on this user's phone within {wait_s} s.")
        return code

    def _look(self, number: str, *, wait_s: int) -> str | None:
        """The code to hand out now: the newest (``wait_s`` 0), or the newest not handed out before."""
        found = self._newest(number, now=self._clock.now())
        if found is None:
            return None
        message_id, code = found
        fresh = self._repo.hand_out(number, message_id, keep_s=self._code_ttl)
        return code if fresh or wait_s == 0 else None

    def _wait(self, number: str, *, wait_s: int, deadline: float) -> str | None:
        """Look again every :data:`POLL_S` until a code not handed out before arrives or the wait ends."""
        for _ in range(
            int(wait_s / POLL_S)
        ):  # bounded by count too: a frozen or jumping clock cannot stretch it
            if time.monotonic() >= deadline:
                break
            if stopping.wait(POLL_S):  # a graceful stop: answer now, as when the wait runs out, not be killed
                break
            code = self._look(number, wait_s=wait_s)
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
