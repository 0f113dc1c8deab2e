"""Signing in to the trainer console and, when ``SLS_SIM_TOKEN`` is set, to the simulator pages.

The token is typed once into a form (POST, CSRF-checked) and never reaches JavaScript, a URL or the HTML.
Signing in opens a server-side sign-in (``auth.console``): what the browser keeps is a sealed, HttpOnly,
SameSite=Strict cookie scoped to the console's or the simulators' path, carrying only the sign-in's random
id. Every request checks that id in Redis (one round trip; a Redis outage is a 503, never a way in), so
signing out (or in again), an idle or absolute deadline passed, an operator ending every sign-in, or the
token changed on the server each void a copied cookie too. Wrong tokens are answered after the same
constant-time comparison and written to the audit trail (``trainer.sign_in_failed``).

What counts as the person's activity, which moves the idle deadline on: every request, except those the pages'
scripts make on their own, which carry :data:`BACKGROUND_HEADER` (``X-SLS-Background: 1``: the console's
users refresh, the phone's and the card's polls) and the live feed's stream (``feed``, which cannot set a
header and never counts). Those only check the sign-in: a console left open idles out though its tabs poll.
A sign-in that ended by a deadline says so (:meth:`Door.ended`), to the page's script in its 401 and to the
sign-in form it is sent back to.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
from dataclasses import dataclass

from flask import g, request
from werkzeug.wrappers import Response

from ...errors import InvalidRequest, SlsError
from ...secretbox import pepper
from ...web.wording import duration
from ..common import client_ip, core, now, wall_now
from ..errors import SimSignInRequired, TrainerSignInRequired
from .kit import drop_cookie, seal, set_cookie

#: The request header the pages' scripts set on what they ask on their own (polls, refreshes): such a request
#: checks the sign-in without counting as the person's activity. Its one value is ``1``.
BACKGROUND_HEADER = "X-SLS-Background"


def background() -> bool:
    """Whether the page's script asked this on its own (:data:`BACKGROUND_HEADER`); a value other than ``1``
    is a 400 naming the header, not a guess either way."""
    given = request.headers.get(BACKGROUND_HEADER)
    if given is None:
        return False
    if given.strip() != "1":
        raise InvalidRequest(f"{BACKGROUND_HEADER} must be 1 when sent", field=BACKGROUND_HEADER)
    return True


@functools.lru_cache(maxsize=4)
def _fingerprint_key(secret_key: bytes) -> bytes:
    """The key of the console's token fingerprints, derived once per secret key, not on every request."""
    return pepper(secret_key, b"sls console token fingerprint")


@dataclass(frozen=True)
class Door:
    """One place a token opens: its cookie, the path it is scoped to, and which setting holds the token."""

    name: str
    cookie: str
    path: str
    #: What a page's script is told, with a 401, when this browser is not signed in here.
    signed_out: type[SlsError]

    def token(self) -> str | None:
        settings = core().settings
        return settings.admin_token if self.name == "trainer" else settings.sim_token

    def _fingerprint(self, token: str) -> str:
        """What a sign-in keeps of the token it was made with, so that a new token ends it: a keyed digest."""
        secret_key = core().settings.secret_key
        assert secret_key is not None  # resolved at start-up
        digest = hmac.new(_fingerprint_key(secret_key), f"{self.name}:{token}".encode(), hashlib.sha256)
        return digest.hexdigest()[:32]

    def _held_id(self) -> str | None:
        """The sign-in id this browser's cookie carries, if the cookie is one of ours."""
        held = seal(self.name).open(request.cookies.get(self.cookie), f"{self.name}-access")
        sign_in_id = held.get("id") if held else None
        return sign_in_id if isinstance(sign_in_id, str) and sign_in_id else None

    def is_open(self, *, activity: bool | None = None) -> bool:
        """Whether this browser holds a live sign-in here, earned with the token in force now. Asked once
        per request (the answer is kept for the rest of it). ``activity``: whether the request moves the
        idle deadline on; by default it does unless the page's script marked it (:func:`background`)."""
        checked: dict[str, str] = g.setdefault("sls_doors_checked", {})
        if self.name not in checked:
            checked[self.name] = self._check(not background() if activity is None else activity)
        return checked[self.name] == "ok"

    def recheck(self) -> bool:
        """Ask again, as no activity: a long-held answer (the live feed) ends when its sign-in does."""
        g.setdefault("sls_doors_checked", {})[self.name] = self._check(False)
        return self.is_open()

    def _check(self, activity: bool) -> str:
        token = self.token()
        sign_in_id = self._held_id()
        if not token or sign_in_id is None:
            return "missing"
        fingerprint = self._fingerprint(token)
        return core().console.check(self.name, sign_in_id, fingerprint, now=wall_now(), activity=activity)

    def ended(self) -> str | None:
        """Why this browser's sign-in ended, in a sentence, when a deadline ended it (asked after
        :meth:`is_open` said no); None for no sign-in, or one ended otherwise."""
        found = g.get("sls_doors_checked", {}).get(self.name)
        console = core().console
        if found == "expired_idle":
            return f"Signed out after {duration(console.idle_timeout)} of inactivity. Sign in again."
        if found == "expired_absolute":
            return f"Signed out: a sign-in lasts {duration(console.absolute_timeout)} at most. Sign in again."
        return None

    def refusal(self) -> SlsError:
        """The 401 a page's script is told when this browser is not signed in here (:attr:`signed_out`, for
        ``http.errors.answer_error``). A sign-in a deadline ended says why (``reason``: 'expired_idle' or
        'expired_absolute'), and the script sends the person to the sign-in form, which says it too."""
        ended = self.ended()
        if ended is None:
            return self.signed_out()
        return self.signed_out(ended, reason=g.sls_doors_checked[self.name])

    def sign_in(self, typed: str, response: Response) -> bool:
        token = self.token()
        if not token or not hmac.compare_digest(typed.encode(), token.encode()):
            core().events.record_flood(
                f"{self.name}.sign_in_failed", per="ip", at=now(), ip=client_ip(), result="wrong_token"
            )
            return False
        console = core().console
        replaced = self._held_id()
        if replaced is not None:  # a browser signing in again: its earlier sign-in (and any copy of it) ends
            console.close(replaced)
        sign_in_id = console.open(self.name, self._fingerprint(token), now=wall_now())
        set_cookie(
            response,
            self.cookie,
            seal(self.name).seal({"id": sign_in_id}, f"{self.name}-access"),
            path=self.path,
            max_age=console.absolute_timeout,
        )
        core().events.record(f"{self.name}.signed_in", at=now(), ip=client_ip())
        return True

    def idle_warning(self, stay_url: str) -> dict[str, object]:
        """What ``_idle_warning.html`` shows on a page behind this door: the sign-in's idle time, and the read
        its *Stay signed in* asks for (one that counts as activity)."""
        idle_s = core().console.idle_timeout
        what = "This console signs you out" if self.name == "trainer" else "The simulator pages sign you out"
        return {
            "door": self.name,
            "what": what,
            "idle": duration(idle_s),
            "idle_s": idle_s,
            "stay_url": stay_url,
        }

    def sign_out(self, response: Response) -> None:
        """End this browser's sign-in on the server, then drop its cookie: a copy of it opens nothing."""
        sign_in_id = self._held_id()
        if sign_in_id is not None and core().console.close(sign_in_id) == self.name:
            core().events.record(f"{self.name}.signed_out", at=now(), ip=client_ip())
        drop_cookie(response, self.cookie, path=self.path)


TRAINER = Door("trainer", "sls_trainer", "/trainer", TrainerSignInRequired)
SIMULATORS = Door("sim", "sls_sim_access", "/sim", SimSignInRequired)
