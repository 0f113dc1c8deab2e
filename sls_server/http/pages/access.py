"""Signing in to the trainer console and, when ``SLS_SIM_TOKEN`` is set, to the simulator pages.

The token is typed once into a form (POST, CSRF-checked) and never reaches JavaScript, a URL or the HTML.
What the browser keeps is a sealed, HttpOnly, SameSite=Strict cookie scoped to the console's or the
simulators' path, naming a fingerprint of the token it was earned with and a deadline on the wall clock
(:data:`SIGN_IN_S`): the emulated clock is the trainer's to move (+1 day) and must not sign the trainer
out. Changing the token on the server voids every such cookie. Wrong tokens are answered after the same
constant-time comparison and written to the audit trail (``trainer.sign_in_failed``).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass

from flask import request
from werkzeug.wrappers import Response

from ..common import client_ip, core, now
from .kit import drop_cookie, seal, set_cookie

SIGN_IN_S = 12 * 3600


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

    def is_open(self) -> bool:
        """Whether this browser signed in here with the token in force now."""
        token = self.token()
        if not token:
            return False
        held = seal(self.name).open(request.cookies.get(self.cookie), f"{self.name}-access")
        return bool(
            held
            and hmac.compare_digest(str(held.get("fp", "")), self._fingerprint(token))
            and float(held.get("until", 0)) > time.time()
        )

    def sign_in(self, typed: str, response: Response) -> bool:
        token = self.token()
        if not token or not hmac.compare_digest(typed.encode(), token.encode()):
            core().events.record_flood(
                f"{self.name}.sign_in_failed", per="ip", at=now(), ip=client_ip(), result="wrong_token"
            )
            return False
        held = {"fp": self._fingerprint(token), "until": time.time() + SIGN_IN_S}
        set_cookie(
            response,
            self.cookie,
            seal(self.name).seal(held, f"{self.name}-access"),
            path=self.path,
            max_age=SIGN_IN_S,
        )
        core().events.record(f"{self.name}.signed_in", at=now(), ip=client_ip())
        return True

    def sign_out(self, response: Response) -> None:
        drop_cookie(response, self.cookie, path=self.path)


TRAINER = Door("trainer", "sls_trainer", "/trainer")
SIMULATORS = Door("sim", "sls_sim_access", "/sim")
