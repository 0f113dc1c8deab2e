"""Who may open the trainer console and the simulator pages: signing in with a door's token, checking a
browser's sign-in, signing out, and the audit trail of each, as plain values in and out.

The HTTP side (``http.pages.access``) reads the cookie and the form, passes what it read here and sets or
drops the cookie with what it gets back; the rules are here, with no web framework, as the rest of the core
(CONTRIBUTING.md: the HTTP layer parses, calls the core, serialises). The sign-ins themselves, their ids and
deadlines, are ``auth.console``'s.

The typed token is compared in constant time (``hmac.compare_digest``), so the answer's timing says nothing
about how much of a guess was right. A sign-in keeps only a keyed fingerprint of the token it was earned
with: a token changed on the server ends every sign-in it opened. No event carries a token; a wrong one is
recorded per client address as an outsider's repeatable event (``EventLog.record_flood``), so a guessing
loop writes one event and a count rather than one event a try. A wrong token typed at a page's sign-in and
one sent as a bearer to an API are recorded under different types (the admin API's:
``admin_api.token_refused``, ``/sim/v1``'s: ``sim_api.token_refused``, each with the route asked), so a
trainer reading the feed does not take a script's wrong token for someone at a sign-in form.

What differs from door to door (which setting holds its token, the names of its events) is data
(:class:`ConsoleDoor`), not a test of its name.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Literal

from ..config import Settings
from ..events import EventLog
from ..secretbox import pepper
from .console import ConsoleSignIns
from .errors import WrongConsoleToken
from .token_guesses import TokenGuesses


@dataclass(frozen=True)
class ConsoleDoor:
    """One place a token opens, as the core sees it."""

    #: The sign-in's door in Redis (``auth.console.DOORS``), and the label of its token's fingerprint.
    name: str
    #: The setting that holds this door's token (None there: the door opens to no one).
    token_setting: Literal["admin_token", "sim_token"]
    #: The audit trail's events: a sign-in, a refused token at the sign-in, a sign-out.
    signed_in: str
    sign_in_failed: str
    signed_out: str
    #: A wrong bearer token at the door's API (``/admin/v1``, ``/sim/v1``).
    bearer_refused: str

    def token(self, settings: Settings) -> str | None:
        held: str | None = getattr(settings, self.token_setting)
        return held


#: The trainer console (``/trainer``), opened by the admin token.
TRAINER_DOOR = ConsoleDoor(
    "trainer",
    "admin_token",
    "trainer.signed_in",
    "trainer.sign_in_failed",
    "trainer.signed_out",
    "admin_api.token_refused",
)
#: The simulator pages (``/sim``), opened by ``SLS_SIM_TOKEN`` when it is set.
SIM_DOOR = ConsoleDoor(
    "sim", "sim_token", "sim.signed_in", "sim.sign_in_failed", "sim.signed_out", "sim_api.token_refused"
)


@dataclass(frozen=True)
class ConsoleSignIn:
    """A sign-in just opened: the id the browser keeps (in a sealed cookie), and how long it may last at most
    (the cookie's lifetime: past it the server has ended the sign-in anyway)."""

    id: str
    lifetime_s: int


class ConsoleAccess:
    def __init__(
        self, sign_ins: ConsoleSignIns, events: EventLog, settings: Settings, guesses: TokenGuesses
    ) -> None:
        assert settings.secret_key is not None  # resolved at start-up
        self._sign_ins = sign_ins
        self._events = events
        self._settings = settings
        self._guesses = guesses
        #: Derived once per app, not on every request that checks a sign-in.
        self._fingerprint_key = pepper(settings.secret_key, b"sls console token fingerprint")

    def _fingerprint(self, door: ConsoleDoor, token: str) -> str:
        """What a sign-in keeps of the token it was made with, so that a new token ends it: a keyed digest."""
        digest = hmac.new(self._fingerprint_key, f"{door.name}:{token}".encode(), hashlib.sha256)
        return digest.hexdigest()[:32]

    def sign_in(
        self, door: ConsoleDoor, typed: str, *, held: str | None, at: int, wall: int, ip: str | None
    ) -> ConsoleSignIn:
        """Open a sign-in to ``door`` for the ``typed`` token, ending the one the browser ``held`` (signing in
        again: a copy of its earlier cookie opens nothing). ``at``: the app's clock, for the audit trail;
        ``wall``: the wall clock, for the deadlines (the trainer's +1 day must not sign anyone out); ``ip``:
        the client's address. A wrong token raises :class:`WrongConsoleToken`, recorded first; any token from
        an address that gave too many wrong ones lately, ``TokenGuessesLimited`` (:meth:`bearer`)."""
        token = door.token(self._settings)
        if not self._judge(door, typed, at=at, ip=ip):
            self._events.record_flood(door.sign_in_failed, per="ip", at=at, ip=ip, result="wrong_token")
            raise WrongConsoleToken()
        assert token is not None  # a right token is one the door holds
        if held is not None:
            self._sign_ins.close(held)
        sign_in_id = self._sign_ins.open(door.name, self._fingerprint(door, token), now=wall)
        self._events.record(door.signed_in, at=at, ip=ip)
        return ConsoleSignIn(sign_in_id, self._sign_ins.absolute_timeout)

    def bearer(self, door: ConsoleDoor, given: str, *, at: int, ip: str | None, route: str) -> bool:
        """Whether the bearer token ``given`` to ``door``'s API at ``route`` (the rule's pattern, never the
        path, which may hold a name) opens it, judged as a sign-in's token is (:meth:`_judge`); a wrong one is
        recorded as the door's ``bearer_refused``, once per address and window."""
        right = self._judge(door, given, at=at, ip=ip)
        if not right:
            self._events.record_flood(
                door.bearer_refused, per="ip", at=at, ip=ip, result="wrong_token", detail={"route": route}
            )
        return right

    def _judge(self, door: ConsoleDoor, given: str, *, at: int, ip: str | None) -> bool:
        """Whether ``given`` is ``door``'s token (compared in constant time), counted against the client's
        address when it is not (``auth.token_guesses``: 429 ``rate_limited`` while the address has given too
        many wrong ones, the right one too, a page's sign-in and a bearer alike). The caller records it."""
        token = door.token(self._settings)
        right = bool(token) and hmac.compare_digest(given.encode(), (token or "").encode())
        self._guesses.judge(right=right, ip=ip, now=at)
        return right

    def check(self, door: ConsoleDoor, held: str | None, *, wall: int, activity: bool) -> str:
        """'ok' if the sign-in the browser ``held`` opens ``door`` with the token in force now (its idle
        deadline moved on when the request is the person's ``activity``), else why not: 'missing' (no
        sign-in, or no token for the door), 'other_door', 'token_changed', 'expired_absolute',
        'expired_idle'."""
        token = door.token(self._settings)
        if not token or held is None:
            return "missing"
        fingerprint = self._fingerprint(door, token)
        return self._sign_ins.check(door.name, held, fingerprint, now=wall, activity=activity)

    def sign_out(self, door: ConsoleDoor, held: str | None, *, at: int, ip: str | None) -> bool:
        """End the sign-in the browser ``held`` on the server: a copy of its cookie opens nothing. Whether it
        was a live sign-in to ``door`` (then recorded); one ended already is not recorded again."""
        if held is None or self._sign_ins.close(held) != door.name:
            return False
        self._events.record(door.signed_out, at=at, ip=ip)
        return True
