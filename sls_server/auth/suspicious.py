"""Notices of suspicious sign-in attempts (OWASP ASVS 5.0 6.3.5), texted to the user's phone like the notices
of device and phone changes (``sim/notices.py``): a channel a password guesser does not hold.

Two events are told. A login that succeeds after :data:`AFTER_FAILURES` or more wrong passwords since the
last login: the count comes from the lockout's reservation of the login's own password attempt
(``lockout_reserve.lua``), so a login with nothing to tell costs no round trip more. And a lock: the one
``lockout_settle.lua`` call that placed it, so racing wrong passwords send one notice per lock.

Wrong second-factor responses are not counted here: whoever gives one already has the password, and in most
logins it is the user mistyping the code the login just sent; they count against the authenticator
instead, which is disabled at ``SLS_DEVICE_FAILURE_LIMIT``.
"""

from __future__ import annotations

from ..accounts.devices import Notify

#: Wrong passwords since the last login that the next login tells of. One or two are the user's own typos,
#: and a notice after every one of them teaches the user to ignore notices; three is past a typo, and
#: under the lockout's default threshold (5), so guessing that stops short of a lock is told too.
AFTER_FAILURES = 3


def failures_text(failed: int) -> str:
    """What a login after ``failed`` wrong passwords tells; ``notice_text`` adds the broker's closing line."""
    return (
        f"{failed} failed sign-in attempts were made on your account before this sign-in. If they were "
        "not yours, change your password."
    )


def lock_text(failures: int, *, new_places_only: bool, permanent: bool) -> str:
    """What a lock after ``failures`` wrong passwords in a row tells. ``new_places_only``: the lock of the
    addresses the user never logged in from (``SLS_LOCKOUT_KNOWN_IPS``); their usual ones stay open."""
    what = "Sign-in to your account from new locations" if new_places_only else "Your account"
    until = " until IBKR Client Services unlocks it" if permanent else ""
    return f"{what} was locked{until} after {failures} failed sign-in attempts."


class SuspiciousNotices:
    """Decides which attempts the user is told of, and texts them through ``notify`` (``Notifier.notify``:
    nothing is sent, and nothing fails, for a user without a phone)."""

    def __init__(self, notify: Notify) -> None:
        self._notify = notify

    def signed_in(self, username: str, failed: int, *, now: int) -> None:
        """A login succeeded after ``failed`` wrong passwords since the one before it."""
        if failed >= AFTER_FAILURES:
            self._notify(username, failures_text(failed), now=now)

    def locked(
        self, username: str, failures: int, *, new_places_only: bool, permanent: bool, now: int
    ) -> None:
        """Wrong passwords locked the account; told once per lock (the caller is the one that placed it)."""
        text = lock_text(failures, new_places_only=new_places_only, permanent=permanent)
        self._notify(username, text, now=now)
