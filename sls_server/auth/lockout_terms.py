"""The lockout's words that the rest of the login shares: the name an attempt counts under, the notes the
checks leave on it, and the 423 a lock answers.

The password step, the login, second-factor steps, sessions and suspicious-login notices speak these words
without driving the lockout (:class:`lockout.Lockout`, which reserves and settles attempts in Redis), so
they live apart from it: one meaning each, read by every module that judges or tells of a lock.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any, NamedTuple, NoReturn

from ..accounts.name_refs import NameRefs
from ..store.records import LockoutState
from .errors import AccountLocked

#: The note a check leaves on an attempt it refuses without saying so: it is answered as a wrong password
#: (the password step does not judge the password) and counted in the user's decoy bucket.
SILENT_REFUSAL = "silent_refusal"

#: The note the reservation leaves on an attempt it let through: the wrong passwords since the bucket's last
#: login, which that login, if it succeeds, tells the user of (``suspicious.Suspicion``). Absent: none.
FAILED_BEFORE = "failed_before"

#: Starts the lock name of an attempt whose username cannot be one; no canonical username starts so.
INVALID_PREFIX = "~"

#: The note the reservation leaves on an attempt: the bucket it was counted in, which a login that follows
#: keeps (``LoginTxn.lock_bucket``) so that its second factor is refused while that bucket is locked.
BUCKET = "bucket"

#: The note the reservation leaves on an attempt at a disabled account: said, and recorded as a refusal, only
#: once the password proves right (a wrong one is a wrong password, in the trail and /metrics as anywhere).
DISABLED = "disabled"

#: What a lock only an administrator lifts (``SLS_LOCKOUT_PERMANENT_AFTER``) says instead of a wait.
PERMANENT = "This account is locked; an administrator must unlock it."


def raise_locked(until: int | None, *, now: int) -> NoReturn:
    """423 ``account_locked`` for a lock in force until ``until`` (None: until an administrator unlocks it),
    with ``retry_after`` (and so the Retry-After header) for a timed one, as the password step answers.

    The Lua scripts answer 0 for a permanent lock (a script returns no nil inside a reply); their readers
    turn that into None with :func:`scripted_until`, so no instant here stands for "never"."""
    if until is None:
        raise AccountLocked(PERMANENT)
    raise AccountLocked(retry_after=max(until - now, 1))


def scripted_until(until: int) -> int | None:
    """A lock's end as a script answers it: 0 for a permanent lock (None), else the instant it ends."""
    return until or None


def raise_if_locked(state: LockoutState | None, *, now: int) -> None:
    """:func:`raise_locked` if ``state`` (a bucket as read) is locked at ``now``, judged as
    ``lockout_reserve.lua`` judges it (``LockoutState.locked``)."""
    if state is None or not state.locked(now):
        return
    raise_locked(None if state.permanent else now + (state.retry_after(now) or 0), now=now)


def lock_name(username: str, canonical: str | None) -> str:
    """The key a login attempt counts under: the canonical username, or a digest for names that cannot be
    one (they fail the password check anyway, and must neither break a key's hash tag nor go uncounted)."""
    if canonical:
        return canonical
    return INVALID_PREFIX + hashlib.sha256(username.encode("utf-8", "surrogatepass")).hexdigest()[:24]


class EventSubject(NamedTuple):
    """Whom an event about a password attempt names: ``user``, a canonical username, only when such a user
    exists; else no ``user``, and ``detail`` says why, with the name's reference (``accounts.name_refs``).

    Events publish only existing users' names. What was typed as a username is sometimes the password typed
    into the wrong field: a name no user has stays out of the trail (and the log lines written from it), and
    so does the lock name of one that cannot be a username (an unsalted hash of what was typed)."""

    user: str | None
    detail: Mapping[str, Any]


#: Whom an attempt names before the user has been read: no one (nothing is recorded before then).
NO_ONE = EventSubject(None, {"unknown_username": True})


def event_subject(lock: str, *, exists: bool, refs: NameRefs) -> EventSubject:
    """The :class:`EventSubject` of an attempt counted under ``lock``, whose user ``exists`` or not."""
    if exists and not lock.startswith(INVALID_PREFIX):
        return EventSubject(lock, {})
    why = "invalid_username" if lock.startswith(INVALID_PREFIX) else "unknown_username"
    return EventSubject(None, {why: True, "name_ref": refs.ref(lock)})
