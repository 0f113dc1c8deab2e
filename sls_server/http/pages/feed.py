"""``/trainer/events``: the audit trail as server-sent events, for the console's live feed.

Each event goes out as the admin API gives it, with its sentence, tone and the tone's word (``said``,
``tone``, ``label``: :func:`sls_server.web.event_tones.worded`, as the console's search gives them), and
an event that marks addresses the attacker's or wipes the world (``attackers_after``) with ``attackers``,
the list from it on: the pages tag addresses themselves too (a line without a sentence, the relay screen's
redraw), and a list they kept from their load named a wiped demo's addresses the attacker's; and
with ``id:`` set to its stream cursor, so the browser's ``EventSource``, reconnecting on its own, sends
``Last-Event-ID`` and the feed resumes right after the last event it showed. A stream lasts
:data:`STREAM_S` seconds and then ends (the browser reconnects after ``retry:``): it never holds a gunicorn
worker thread for good, and ends at once when the server is told to stop (``sls_server.stopping``). Between
reads it holds no Redis connection either: every :data:`POLL_S` it reads
what is new with one ``XRANGE`` through the event log's pool, never a blocking read.

A Redis outage mid-stream is told, not thrown: the headers are long gone, so an exception would only cut the
connection with a traceback in the log. The feed sends one ``outage`` event the console shows, logs one
warning, and ends; the browser reconnects after ``retry:`` and the feed resumes from its last id once Redis
answers again. An outage that keeps the console's sign-in from being checked is told the same way, before
any event is read: the stream is still refused, and the browser still retries.

The stream is never the person's activity (``access``): opening it, reconnecting and holding it only check the
console's sign-in, so a console left open on a projector still idles out. An open stream checks again every
:data:`RECHECK_S`; once its sign-in has ended (signed out, ended by an operator, idled out) it sends one
``signed_out`` event, with why, and ends: the console goes to the sign-in form, which says why too.

Each stream holds a gunicorn worker thread, and a console open in many tabs (a projector, a laptop, a tab
left behind) must not take them all from the logins: a stream takes a place in the process's budget of
long-held requests (:mod:`sls_server.long_held`: half its threads, shared with the outbox's waits). With none
free it is read once and ends, with a longer ``retry:`` and a ``crowded`` event the console shows: that tab's
feed goes on as a poll every :data:`CROWDED_RETRY_MS`.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator

from flask import Response, request, stream_with_context
from flask.typing import ResponseReturnValue

from ... import stopping
from ...errors import StoreUnavailable
from ...long_held import LongHeld
from ...shapes.events import is_cursor
from ...sim.attacks import attacker_addresses
from ...web.event_tones import attackers_after, worded
from ..common import core
from . import bp
from .access import TRAINER
from .trainer import signed_out

STREAM_S = 25.0
POLL_S = 0.25
RETRY_MS = 1000
#: A first connection starts this far back (the trail's ids are the app's wall-clock milliseconds).
BACKLOG_MS = 30 * 60 * 1000
KEEPALIVE_S = 3.0  # also how soon a stream whose tab was closed or reloaded ends: a write to it fails
#: How often an open stream checks its sign-in again (never as activity): one signed out, ended by an operator
#: or idled out ends its stream within this, with a ``signed_out`` event that sends the page to the sign-in.
RECHECK_S = 2.0
CROWDED_RETRY_MS = 3000

log = logging.getLogger(__name__)


def _start_cursor() -> str:
    given = request.headers.get("Last-Event-ID") or request.args.get("since") or ""
    if is_cursor(given):  # anything else (garbage, a half past 64 bits) starts from the backlog
        return given
    return f"{max(int(time.time() * 1000) - BACKLOG_MS, 0)}-0"


def _frames(cursor: str, long_held: LongHeld) -> Iterator[str]:
    # the place is taken when the answer starts and given back however it ends
    with long_held.place("trainer_feed") as placed:
        yield from _read(cursor, crowded=not placed)


def _read(cursor: str, *, crowded: bool) -> Iterator[str]:
    yield f"retry: {CROWDED_RETRY_MS if crowded else RETRY_MS}\n\n"
    events = core().events
    attackers = frozenset(attacker_addresses(core()))  # what came from one is said as the attacker's doing
    deadline = time.monotonic() + STREAM_S
    quiet_since = checked_at = time.monotonic()
    live = False
    while time.monotonic() < deadline:
        try:
            if time.monotonic() - checked_at >= RECHECK_S:
                checked_at = time.monotonic()
                if not TRAINER.recheck():
                    yield _signed_out()
                    return
            found, next_cursor = events.page(since=cursor, limit=200, now=core().clock.now())
        except StoreUnavailable as exc:
            yield _outage(exc)
            return
        for event in found:
            before = attackers
            try:  # a scenario demo's actors from their mark on, none of them after a wipe (read again)
                attackers = attackers_after(event, attackers, lambda: attacker_addresses(core()))
            except StoreUnavailable as exc:
                yield _outage(exc)
                return
            said = worded(event, attackers)
            if attackers is not before:  # a mark or a wipe: the pages' own list follows (SLS.attackersAfter)
                said["attackers"] = sorted(attackers)
            yield f"id: {event['id']}\nevent: audit\ndata: {json.dumps(said, separators=(',', ':'))}\n\n"
        if not live:  # the console says "live" once the trail could be read, not when the connection opened
            live = True
            yield f"event: {'crowded' if crowded else 'live'}\ndata: {{}}\n\n"
        if crowded:
            return
        cursor = next_cursor or cursor
        if found:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since > KEEPALIVE_S:
            quiet_since = time.monotonic()
            yield ": still here\n\n"
        if stopping.wait(POLL_S):  # the server's own pacing between reads, cut short by a shutdown
            return


def _signed_out() -> str:
    """The stream's last frame once its sign-in has ended: the console leaves for the sign-in form, which
    says why (a stream that only ended would be opened again, and refused, with nothing said)."""
    body = TRAINER.refusal().body()
    return f"event: signed_out\ndata: {json.dumps(body, separators=(',', ':'))}\n\n"


def _outage(exc: StoreUnavailable) -> str:
    log.warning("%s: the trainer's live feed ends until Redis answers (%s)", exc.code, exc.message)
    return f"event: outage\ndata: {json.dumps(exc.body(), separators=(',', ':'))}\n\n"


@bp.get("/trainer/events")
def trainer_events() -> ResponseReturnValue:
    try:
        signed_in = TRAINER.is_open(activity=False)  # an EventSource sets no header: never activity
    except StoreUnavailable as exc:  # the sign-in cannot be checked: told as the feed's outage, nothing read
        return Response(f"retry: {RETRY_MS}\n\n" + _outage(exc), mimetype="text/event-stream")
    if not signed_in:
        return signed_out()
    stream = stream_with_context(_frames(_start_cursor(), core().long_held))
    return Response(stream, mimetype="text/event-stream", headers={"X-Accel-Buffering": "no"})
