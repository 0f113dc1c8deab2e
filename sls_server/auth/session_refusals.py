"""What a session's creation or rotation tells the client when the step that would store it refuses: the
session script (``session_create.lua``) judges, in the same step, the login it completes, the user's
standing, the lockout bucket and the concurrency rule, and answers one word, turned here into the refusal.
"""

from __future__ import annotations

from typing import NoReturn

from ..errors import NotAuthenticated
from .errors import AccountDisabled, DeviceLocked, SessionActive, SessionReplaced, SessionRotated
from .lockout_terms import raise_locked, scripted_until
from .step_state import raise_for_status

#: The words the script answers for the login a new session completes: found settled, past, or its prompt
#: replaced (``step_state`` tells each).
LOGIN_STATES = ("missing", "used", "dead", "revoked", "device_revoked", "switched", "expired")


class SharedSinceRead(Exception):
    """Not a refusal: the session's step found the login's card shared since its verify read it as one
    user's ('device_shared', the share's mark): the caller asks the card (``SecondFactor.shared_since_read``)
    and stores the session again."""


def raise_for_stored(status: str, replaced: list[str], *, now: int) -> NoReturn:
    """The refusal of a session the script did not store (``status`` other than ``ok``); ``replaced``, the
    script's other answer, holds a lock's end when ``status`` is ``locked``."""
    if status == "locked":  # the login's lockout bucket, locked after its verify read it
        raise_locked(scripted_until(int(replaced[0])), now=now)
    if status == "device_locked":  # the login's device, disabled by a wrong response after its verify read it
        raise DeviceLocked()
    if status == "device_shared":
        raise SharedSinceRead()
    if status == "refused":
        raise SessionActive()
    if status == "replaced":  # a rotation whose session a newer login replaced meanwhile
        raise SessionReplaced()
    if status == "rotated":  # a racing step-up rotated it first: the session lives on, its token
        raise SessionRotated()
    if status == "retired":  # a rotation whose session ended meanwhile (logout, kill, expiry)
        raise NotAuthenticated("The session ended before its step-up finished: log in again.")
    if status in LOGIN_STATES:
        raise_for_status(status)
    # disabled, deleted, or disabled and enabled again since the login began
    raise AccountDisabled()
