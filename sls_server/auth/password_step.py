"""The password step, shared by every door that takes a password: the login page and the IB Key app's
activation and Add User screens.

``checks`` is the policy seam: each check sees the attempt before the password is looked at (IP rules and
lockout reservations belong there, so a refused client learns nothing about the password), hears how the
password check went, and hears when the whole login succeeded. Every door runs the same checks in the same
order, so none of them is a side door around the IP allowlist or the lockout.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import field, replace
from typing import Any, NamedTuple, Protocol

from ..accounts.access import IpRestrictions
from ..accounts.errors import IpRestricted
from ..accounts.name_refs import NameRefs
from ..accounts.user_fields import canonical_username
from ..accounts.users import UserService
from ..errors import InvalidRequest
from ..events import EventLog
from ..frozen import frozen
from ..store.base import ScriptCall
from ..store.records import LoginView, UserAccess, UserRecord
from .errors import AccountDisabled, InvalidCredentials
from .lockout_terms import NO_ONE, SILENT_REFUSAL, EventSubject, event_subject, lock_name


@frozen
class Attempt:
    """One password attempt as the policy checks see it. ``id`` names its reservations in Redis."""

    username: str
    lock_name: str
    ip: str | None
    now: int
    id: str = field(default_factory=lambda: secrets.token_hex(12))
    notes: dict[str, str] = field(default_factory=dict)
    access: UserAccess | None = None
    """The user's IP rules as read with the user (None: read them if needed)."""
    answers: dict[str, Any] = field(default_factory=dict)
    """What the checks' :meth:`LoginCheck.ask` scripts answered, by script name."""
    subject: EventSubject = NO_ONE
    """Whom its events name: the user if one has the name (known once the user was read)."""


class Admitted(NamedTuple):
    """A password attempt let through: the user; what was read with the checks' first scripts (the login
    picks a device from it); the checks' notes on the attempt (what its success tells: ``Suspicion``)."""

    user: UserRecord
    view: LoginView | None
    notes: Mapping[str, str]


class LoginCheck(Protocol):
    """A policy step around the password check (IP rules, lockout): where account protections plug in."""

    def ask(self, attempt: Attempt) -> ScriptCall | None:
        """A script whose answer :meth:`before_password` needs, sent with the read of the user (one round
        trip): it runs whatever the checks before this one decide, so it must only count or read."""

    def before_password(self, attempt: Attempt) -> None:
        """Raise an ``SlsError`` to refuse the attempt before the password is verified."""

    def after_password(self, attempt: Attempt, *, ok: bool) -> None:
        """Hear how the password check went (count a failure, refund a reservation)."""

    def login_succeeded(self, username: str, ip: str | None, *, now: int) -> None:
        """Both factors passed: forget what the check counted for this user."""


class IpCheck:
    """The IP allowlists as a login check, judged before the password: an attempt from outside the list never
    has its password judged, so a client at a wrong address learns nothing about it. ``silent`` decides what
    that client is told (``SLS_IP_REFUSAL``): ``explicit``, 403 ``ip_restricted`` at once (which tells it the
    name is a user with a list); ``silent``, what a wrong password for the name would get (the attempt is
    marked :data:`SILENT_REFUSAL`: the lockout counts it in the user's decoy bucket, the password step spends
    a dummy hash). An unknown username has no list and fails the password check as usual."""

    def __init__(self, restrictions: IpRestrictions, events: EventLog, *, silent: bool = False) -> None:
        self._restrictions = restrictions
        self._events = events
        self._silent = silent

    def ask(self, attempt: Attempt) -> None:
        """Nothing: the rules are read with the user."""

    def before_password(self, attempt: Attempt) -> None:
        try:
            name = canonical_username(attempt.username)
        except InvalidRequest:
            return  # cannot be a user, so no list applies; the password check refuses it as usual
        if not self._restrictions.allowed(
            name, attempt.ip, attempt.access
        ):  # counted per window: costs nothing
            self._events.record_flood(
                "ip.rejected", per="ip", at=attempt.now, user=name, ip=attempt.ip, result="login_refused"
            )
            if not self._silent:
                raise IpRestricted()
            attempt.notes[SILENT_REFUSAL] = "ip_restricted"

    def after_password(self, attempt: Attempt, *, ok: bool) -> None:
        """Nothing: the address was judged before the password."""

    def login_succeeded(self, username: str, ip: str | None, *, now: int) -> None:
        """Nothing: an address that passed once earns no standing here (the lockout's known-IPs do that)."""


class PasswordStep:
    def __init__(
        self, users: UserService, events: EventLog, refs: NameRefs, checks: Sequence[LoginCheck]
    ) -> None:
        self._users = users
        self._events = events
        self._refs = refs
        self.checks = tuple(checks)

    def verify(
        self, username: str, password: str, *, now: int, ip: str | None, door: str = "login"
    ) -> UserRecord:
        """The user's record if every check lets the attempt through and the password is right; otherwise
        the check's error or ``InvalidCredentials``. ``door`` names the events (``login.password_failed``,
        ``ibkey.password_failed``)."""
        return self.admit(username, password, now=now, ip=ip, door=door).user

    def admit(
        self, username: str, password: str, *, now: int, ip: str | None, door: str = "login"
    ) -> Admitted:
        """:meth:`verify`, with the user as read with the checks' first scripts, before any of them judged:
        one round trip (the login's next step picks a device from its devices)."""
        canonical = _canonical_or_none(username)
        attempt = Attempt(username, lock_name(username, canonical), ip, now)
        asked = [call for check in self.checks if (call := check.ask(attempt)) is not None]
        view, answers = self._users.passwords.login_view(canonical, asked)
        attempt = replace(
            attempt,
            access=view.access if view else None,
            answers={name: answer for (name, _, _), answer in zip(asked, answers, strict=True)},
            subject=event_subject(
                attempt.lock_name, exists=view is not None and view.user is not None, refs=self._refs
            ),
        )
        disabled = False
        try:
            for check in self.checks:
                check.before_password(attempt)
        except AccountDisabled:
            # Said only to whoever knows the password: to anyone else a disabled account answers as a wrong
            # password does, and counts and locks as any name does, so its name is no oracle (ASVS 6.3.8)
            # and its password no free guess. The lockout judged the attempt first and reserved it: it is
            # settled below like any other.
            disabled = True
        if SILENT_REFUSAL in attempt.notes:
            # Refused already, without saying so: a wrong password's cost and answer, the password unjudged
            # (the check recorded why; no password_failed event, as no password failed).
            self._users.passwords.spend_a_check(password)
            for check in self.checks:
                check.after_password(attempt, ok=False)
            raise InvalidCredentials()
        user = self._users.passwords.check_password(username, password, now=now, view=view)
        if user is None:
            # Recorded before the checks hear of it: the lock this failure sets (``account.locked``, and the
            # notice texted for it) comes after the failure in the trail. Queued, the event rides first in
            # the lockout's settle (``store.writebehind``): no round trip more.
            subject = attempt.subject
            self._events.record(
                f"{door}.password_failed",
                at=now,
                user=subject.user,
                ip=ip,
                result="failure",
                detail=dict(subject.detail) or None,
            )
        for check in self.checks:
            check.after_password(attempt, ok=user is not None)
        if user is None:
            raise InvalidCredentials()
        if disabled:
            raise AccountDisabled()
        return Admitted(user, view, attempt.notes)

    def succeeded(self, username: str, ip: str | None, *, now: int) -> None:
        for check in self.checks:
            check.login_succeeded(username, ip, now=now)


def _canonical_or_none(username: str) -> str | None:
    try:
        return canonical_username(username)
    except InvalidRequest:
        return None
