"""Notices of suspicious sign-in attempts (OWASP ASVS 5.0 6.3.5), texted to the user's phone like the notices
of device and phone changes (``sim/notices.py``): a channel a password guesser does not hold.

Three things are told. A login that succeeds after :data:`AFTER_FAILURES` or more wrong passwords since the
last login: the count comes from the lockout's reservation of the login's own password attempt
(``lockout_reserve.lua``). A login from an address the user never logged in from, when they have logged in
from others: :class:`NewPlaceCheck` asks with the password step's read of the user (``new_place.lua``). Both
are kept on the login step (``LoginTxn``) and read back with it, so a login with nothing to tell costs no
round trip more. And a lock: told by the one ``lockout_settle.lua`` call that placed it, so racing wrong
passwords send one notice per lock.

Wrong second-factor responses are not counted here: whoever gives one already has the password, and in most
logins it is the user mistyping the code the login just sent; they count against the authenticator
instead, which is disabled at ``SLS_DEVICE_FAILURE_LIMIT``.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..accounts.notify import Notify
from ..frozen import frozen
from ..store.base import ScriptCall
from ..store.lockout import LockoutRepo
from .lockout_terms import FAILED_BEFORE, INVALID_PREFIX
from .password_step import Attempt

#: Wrong passwords since the last login that the next login tells of. One or two are the user's own typos,
#: and a notice after every one of them teaches the user to ignore notices; three is past a typo, and
#: under the lockout's default threshold (5), so guessing that stops short of a lock is told too.
AFTER_FAILURES = 3

#: :class:`NewPlaceCheck`'s note on an attempt from an address the user never logged in from.
NEW_PLACE = "new_place"


@frozen
class Suspicion:
    """What the password step found that a login's success tells the user of (kept on the login step)."""

    failed_before: int = 0
    new_place: bool = False

    @classmethod
    def from_notes(cls, notes: Mapping[str, str]) -> Suspicion:
        """From the checks' notes on the attempt (``Attempt.notes``)."""
        return cls(int(notes.get(FAILED_BEFORE, 0)), NEW_PLACE in notes)


class NewPlaceCheck:
    """A ``LoginCheck`` that judges nothing: it asks, with the read of the user, whether the attempt's
    address is new to the user (the addresses the lockout remembers at each login), and notes it."""

    def __init__(self, repo: LockoutRepo) -> None:
        self._repo = repo

    def ask(self, attempt: Attempt) -> ScriptCall | None:
        if not attempt.ip or attempt.lock_name.startswith(INVALID_PREFIX):
            return None
        return self._repo.new_place(attempt.lock_name, attempt.ip)

    def before_password(self, attempt: Attempt) -> None:
        if attempt.answers.get("new_place"):
            attempt.notes[NEW_PLACE] = "1"

    def after_password(self, attempt: Attempt, *, ok: bool) -> None:
        """Nothing: what is told waits for the login's success."""

    def login_succeeded(self, username: str, ip: str | None, *, now: int) -> None:
        """Nothing: the lockout remembers the address (``Lockout.login_succeeded``)."""


def sign_in_text(suspicion: Suspicion, ip: str | None) -> str | None:
    """What a login tells, None when nothing (``notice_text`` adds the broker's closing line, the notice's one
    piece of advice: a second, "change your password", stacked two instructions in one text). The address
    is shown whole, as brokers' new-location notices do: it is the user's own, or the attacker's."""
    said = []
    if suspicion.new_place and ip:
        said.append(f"Someone signed in to your account from a new location (IP address {ip}).")
    if suspicion.failed_before >= AFTER_FAILURES:
        said.append(
            f"{suspicion.failed_before} failed sign-in attempts were made on your account before this "
            "sign-in."
        )
    return " ".join(said) or None


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

    def signed_in(self, username: str, suspicion: Suspicion, ip: str | None, *, now: int) -> None:
        """A login from ``ip`` succeeded: one notice of what was suspicious about it, if anything."""
        text = sign_in_text(suspicion, ip)
        if text:
            self._notify(username, text, kind="suspicious_sign_in", now=now)

    def locked(
        self, username: str, failures: int, *, new_places_only: bool, permanent: bool, now: int
    ) -> None:
        """Wrong passwords locked the account; told once per lock (the caller is the one that placed it)."""
        text = lock_text(failures, new_places_only=new_places_only, permanent=permanent)
        self._notify(username, text, kind="account_locked", now=now)
