"""How a session that ended is told to whoever holds its token, on every request while its tombstone lasts.

A session its holder did not end (an expiry, a newer login, the account disabled, an administrator, a password
reset, its user from another session, a request from an address the account may not use) is left a tombstone
in its place (``store.sessions.ENDED_KEEP_S`` of real time): only ``state``, the word below, and ``at``. Every
request with the token is answered the same error from it, not only the first, and records nothing: the
ending's event was recorded once, when it ended (:func:`record_end`). The token a step-up retires leaves one
too (``rotated``, written by the rotation's own script): the session lives on under the new token, and a
request still carrying the old one (sent while the step-up was answered) is told to use it. A logout leaves
none: its holder knows, and a later request is ``not_authenticated``.
"""

from __future__ import annotations

import logging

from ..errors import SlsError, StoreUnavailable
from ..event_details import KilledBy
from ..events import EventLog
from ..store.ids import short_id
from .errors import (
    SessionExpired,
    SessionKilled,
    SessionLifetimeEnded,
    SessionReplaced,
    SessionRevoked,
    SessionRotated,
)

log = logging.getLogger(__name__)

#: The endings a session's own check finds (past its time): this step ended it, and records its event.
EXPIRED = ("expired_idle", "expired_absolute")
#: What the holder of a session killed for each cause is told (``SessionKilled``); any other cause a caller of
#: ``SessionService.end`` names (gateway mode's ``sso_expired``, ``daily_reset``,
#: ``gateway_restarted``) is told the class's words.
KILLED_WORDS = {
    "killed": "This session was ended by an administrator; log in again.",
    "password_reset": "This session was ended when the account's password was reset; log in again.",
    "ended_by_user": "This session was ended by its user, from another of their sessions; log in again.",
    # a 401 after the first request's 403: the address asking now may be an allowed one, which must log in
    "ip_restricted": "This session was ended: it was used from an address this account may not use; log in "
    "again.",
}


def tombstone_for(reason: str) -> str | None:
    """The tombstone a session ended for ``reason`` (``session.<reason>``, its event) leaves: None for a
    logout (deleted), the word its holder is told by otherwise."""
    if reason == "logout":
        return None
    return "replaced" if reason == "replaced_by_gateway_login" else reason


def ended_error(state: str, *, ended_at: int | None = None) -> SlsError:
    """The error a session ended as ``state`` answers, the same on every request while its tombstone lasts;
    an expiry's carries when it ran out (``ended_at``)."""
    if state == "expired_idle":
        return SessionExpired(ended_at=ended_at)
    if state == "expired_absolute":
        return SessionLifetimeEnded(ended_at=ended_at)
    if state == "replaced":
        return SessionReplaced()
    if state == "rotated":
        return SessionRotated()
    if state == "revoked":
        return SessionRevoked()
    return SessionKilled(KILLED_WORDS.get(state), why=state)


def record_end(
    events: EventLog,
    username: str,
    sid: str,
    *,
    now: int,
    reason: str,
    ip: str | None = None,
    by: str | None = None,
    ended_by: KilledBy | None = None,
    opened_from: str | None = None,
) -> None:
    """Record why a session ended (``session.<reason>``), once it has ended; ids as events show them, short.
    ``ended_by``: what ended a ``killed`` one (an administrator, a password reset, ...), which the type alone
    does not say; ``opened_from``: the address the session was opened from, when known.

    If the audit event cannot be written after Redis deleted the session (Redis out of memory refuses the
    XADD but not the DEL, or went away in between), the session stays ended and the caller is not told
    otherwise; the event goes to the error log instead of the stream, so it is not lost silently. Both in
    one script is not an option: the stream lives in another Cluster slot than the session."""
    detail = {"session_id": short_id(sid)}
    if by is not None:
        detail["by_session_id"] = short_id(by)
    if ended_by is not None:
        detail["ended_by"] = ended_by
    if opened_from is not None:  # where the session was opened: the attacker's, ended by the trainer
        detail["opened_from"] = opened_from
    try:
        events.record(f"session.{reason}", at=now, user=username, ip=ip, detail=detail)
    except StoreUnavailable:
        log.error(
            "audit event session.%s at=%s user=%s session_id=%s not written (store unavailable); "
            "the session is ended",
            reason,
            now,
            username,
            detail["session_id"],
        )
