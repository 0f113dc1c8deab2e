"""Signing in to the trainer console and, when ``SLS_SIM_TOKEN`` is set, to the simulator pages.

The token is typed once into a form (POST, CSRF-checked) and never reaches JavaScript, a URL or the HTML.
Signing in opens a server-side sign-in (``auth.console``): what the browser keeps is a sealed, HttpOnly,
SameSite=Strict cookie scoped to the console's or the simulators' path, carrying only the sign-in's random
id. Every request checks that id in Redis (one round trip; a Redis outage is a 503, never a way in), so
signing out (or in again), an idle or absolute deadline passed, an operator ending every sign-in, or the
token changed on the server each void a copied cookie too. Wrong tokens are answered after the same
constant-time comparison and written to the audit trail (``trainer.sign_in_failed``).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from flask import g, request
from werkzeug.wrappers import Response

from ..common import client_ip, core, now, wall_now
from .kit import drop_cookie, seal, set_cookie


@dataclass(frozen=True)
class Door:
    """One place a token opens: its cookie, the path it is scoped to, and which setting holds the token."""

    name: str
    cookie: str
    path: str

    def token(self) -> str | None:
        settings = core().settings
        return settings.admin_token if self.name == "trainer" else settings.sim_token

    def _fingerprint(self, token: str) -> str:
        secret_key = core().settings.secret_key or b""
        return hmac.new(secret_key, f"{self.name}:{token}".encode(), hashlib.sha256).hexdigest()[:32]

    def _held_id(self) -> str | None:
        """The sign-in id this browser's cookie carries, if the cookie is one of ours."""
        held = seal(self.name).open(request.cookies.get(self.cookie), f"{self.name}-access")
        sign_in_id = held.get("id") if held else None
        return sign_in_id if isinstance(sign_in_id, str) and sign_in_id else None

    def is_open(self) -> bool:
        """Whether this browser holds a live sign-in here, earned with the token in force now. Asked once
        per request (the answer is kept for the rest of it)."""
        checked: dict[str, bool] = g.setdefault("sls_doors_checked", {})
        if self.name not in checked:
            checked[self.name] = self._check()
        return checked[self.name]

    def _check(self) -> bool:
        token = self.token()
        sign_in_id = self._held_id()
        if not token or sign_in_id is None:
            return False
        found = core().console.check(self.name, sign_in_id, self._fingerprint(token), now=wall_now())
        return found == "ok"

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

    def sign_out(self, response: Response) -> None:
        """End this browser's sign-in on the server, then drop its cookie: a copy of it opens nothing."""
        sign_in_id = self._held_id()
        if sign_in_id is not None and core().console.close(sign_in_id) == self.name:
            core().events.record(f"{self.name}.signed_out", at=now(), ip=client_ip())
        drop_cookie(response, self.cookie, path=self.path)


TRAINER = Door("trainer", "sls_trainer", "/trainer")
SIMULATORS = Door("sim", "sls_sim_access", "/sim")
