"""One request at a time changes a record whose new state only Python can work out.

A device's record or a phone's IB Key app is changed by running its model (the card checking a PIN, the IB Key
app checking one against its scrypt hash, signing) on values sealed under the server's key, which no Lua
script can open; the new state is written back with compare-and-set. Left to race, a burst at one record
made the writes beat each other: each loser read and ran the model again (another PIN check, another scrypt),
and after a few rounds the request failed with a 500. So each change first takes the record's turn, a lease
beside the record on its slot (``store.leases``), and lets it go when written: the requests at one record
run one after another, each model runs once, and the compare-and-set only meets a writer that takes no turn
(a state import, a re-seal, ``ibkey_activate.lua``).

A request finding the turn taken asks again after each pause of :data:`PAUSES_S` (about 5 s in all: dozens
of scrypt checks, far more than one app sees at once). Bounded by count, not by a clock, so a frozen or
jumping clock cannot stretch it. One still without the turn then is told 429 ``device_busy`` with
``retry_after`` (``errors.DeviceBusy``; ``sim.errors.AppBusy`` for an app), never a 500.

A change of several records (a user's deletion: each of their devices, each IB Key app they are on; an IB Key
app's notification switch, Add User, an activation: ``sim.ibkey.phone_storage.PhoneApps.holding``) takes
every turn it needs first, with :func:`turns`, before it changes anything: refused, it has changed nothing.
Turns are taken in one order, so two such changes never each hold a turn the other waits for: a repository's
records by sorted ref, and devices before apps. No other change asks for a turn while it holds one.

A new device's turn is held from its create (:func:`turn_of_new`): its enrolment records ``device.enrolled``
and texts its notice under it, so a deletion of its user, which needs the turn of each device in their list
(and of each joined since it read them), lands after both. It is never asked for: nobody can hold the turn
of an id not given out yet, so it is set with the record, in the same step, and waits for nothing. So it
holds no lock order either (Add User enrols holding an IB Key app's turn): a request waits on it only while
its holder runs to the end of the enrolment, asking for no turn more.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Protocol

from .errors import DeviceBusy

#: How long one change may hold its turn, in real time: far longer than one takes (two round trips of at most
#: the store's 2 s timeout each, and a PIN check); it only matters if a worker dies holding it.
LEASE_MS = 10_000
#: Seconds between asks while another request holds the turn: short first (a card's change takes a
#: millisecond or two), then a tenth of a second (an IB Key app's, a scrypt check, about as long); 4.96 s
#: in all.
PAUSES_S = (0.002, 0.005, 0.01, 0.02, 0.04, 0.08, *(0.1,) * 48)
#: Writes of one change under the turn: only a writer that takes no turn, or a turn whose lease ran out, can
#: beat one, so a second try is rare and a third rarer still; then the request is told ``busy`` too.
WRITE_TRIES = 3
#: What a request left without the turn is told to wait, in seconds.
RETRY_AFTER_S = 1
#: How a request waits for the turn (tests replace it to count the asks instead of waiting).
_pause = time.sleep


class Turns(Protocol):
    """A repository that hands out the turn of its records (``DeviceRepo``, ``IbKeyRepo``)."""

    def take_turn(self, ref: str, token: str, /, *, lease_ms: int) -> bool: ...

    def end_turn(self, ref: str, token: str, /) -> None: ...


@contextmanager
def turn(repo: Turns, ref: str, busy: type[DeviceBusy] = DeviceBusy) -> Iterator[None]:
    """Run the block holding ``ref``'s turn, waited for (:data:`PAUSES_S`); ``busy`` (429, ``retry_after``)
    when it stays taken. Given back however the block ends. Not re-entrant: a block must not ask for the
    turn it holds."""
    token = secrets.token_hex(8)
    for pause in (*PAUSES_S, None):
        if repo.take_turn(ref, token, lease_ms=LEASE_MS):
            break
        if pause is None:
            raise busy(retry_after=RETRY_AFTER_S)
        _pause(pause)
    try:
        yield
    finally:
        repo.end_turn(ref, token)


@contextmanager
def turns(repo: Turns, refs: Iterable[str], busy: type[DeviceBusy] = DeviceBusy) -> Iterator[None]:
    """Run the block holding the turn of every one of ``refs``, taken one by one in sorted order (so two
    blocks after some of the same records wait for each other rather than each hold one the other needs);
    ``busy`` when one stays taken, the turns already taken given back. All given back however the block
    ends. The block does its work under the turns: it must not ask for one of them again."""
    with ExitStack() as held:
        for ref in sorted(set(refs)):
            held.enter_context(turn(repo, ref, busy))
        yield


@contextmanager
def turn_of_new(repo: Turns, ref: str) -> Iterator[str]:
    """The turn of a record about to be created, held from its create: yield the token the create step
    writes with the record (``DeviceRepo.create``'s ``turn``, for :data:`LEASE_MS`), and give the turn back
    however the block ends. Never asked for nor waited for (a new id's turn is nobody's yet)."""
    token = secrets.token_hex(8)
    try:
        yield token
    finally:
        repo.end_turn(ref, token)
