"""Signing in to the trainer console and, when ``SLS_SIM_TOKEN`` is set, to the simulator pages: the browser's
side. The rules (the token's constant-time comparison, what a sign-in keeps of it, the audit trail) are the
core's (``auth.console_access``); here the form's token and the cookie are read, handed to it as plain values,
and its answer is turned into a cookie set or dropped, or a refusal (``http.errors.answer_error``).

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

from dataclasses import dataclass

from flask import g, request
from werkzeug.wrappers import Response

from ...auth.console_access import SIM_DOOR, TRAINER_DOOR, ConsoleDoor
from ...auth.errors import WrongConsoleToken
from ...errors import InvalidRequest, SlsError
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


@dataclass(frozen=True)
class Door:
    """One place a token opens, as the browser meets it: the core's door (which token, which events), its
    cookie, the path the cookie is scoped to, and the words of its refusal and of its idle warning."""

    door: ConsoleDoor
    cookie: str
    path: str
    #: What a page's script is told, with a 401, when this browser is not signed in here.
    signed_out: type[SlsError]
    #: How the idle warning (``_idle_warning.html``) begins: who signs the person out.
    signs_you_out: str

    @property
    def name(self) -> str:
        return self.door.name

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
        return core().console_access.check(self.door, self._held_id(), wall=wall_now(), activity=activity)

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
        """Sign this browser in with the ``typed`` token (its earlier sign-in here ends) and set its cookie on
        ``response``; False for a wrong token (the core has recorded it)."""
        try:
            signed = core().console_access.sign_in(
                self.door, typed, held=self._held_id(), at=now(), wall=wall_now(), ip=client_ip()
            )
        except WrongConsoleToken:
            return False
        set_cookie(
            response,
            self.cookie,
            seal(self.name).seal({"id": signed.id}, f"{self.name}-access"),
            path=self.path,
            max_age=signed.lifetime_s,
        )
        return True

    def idle_warning(self, stay_url: str) -> dict[str, object]:
        """What ``_idle_warning.html`` shows on a page behind this door: the sign-in's idle time, and the read
        its *Stay signed in* asks for (one that counts as activity)."""
        idle_s = core().console.idle_timeout
        return {
            "door": self.name,
            "what": self.signs_you_out,
            "idle": duration(idle_s),
            "idle_s": idle_s,
            "stay_url": stay_url,
        }

    def sign_out(self, response: Response) -> None:
        """End this browser's sign-in on the server, then drop its cookie: a copy of it opens nothing."""
        core().console_access.sign_out(self.door, self._held_id(), at=now(), ip=client_ip())
        drop_cookie(response, self.cookie, path=self.path)


TRAINER = Door(TRAINER_DOOR, "sls_trainer", "/trainer", TrainerSignInRequired, "This console signs you out")
SIMULATORS = Door(SIM_DOOR, "sls_sim_access", "/sim", SimSignInRequired, "The simulator pages sign you out")
