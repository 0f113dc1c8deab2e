"""The HTTP underneath ``SlsEmulator`` (``emulator``): one session, the tokens, and every refusal turned into
an ``EmulatorError`` that keeps the status, the error code and the body for the test to look at.

Apart from what the client does (set up the world, act as the user) because how it talks to the server is
one thing, the same for every method, and an integration's tests rely on its refusals looking one way.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import requests


class EmulatorError(RuntimeError):
    """The emulator said no: ``status``, ``code`` and the body are kept for the test to look at."""

    def __init__(self, message: str, status: int = 0, code: str | None = None, body: Any = None) -> None:
        super().__init__(message)
        self.status, self.code, self.body = status, code, body


def segment(value: str) -> str:
    """A value as one path segment (a ``/`` in it stays inside)."""
    return quote(value, safe="")


class EmulatorHttp:
    """Requests to a running emulator: ``/admin/v1`` with ``admin_token``, ``/sim/v1`` with ``sim_token``
    when the server guards it, anything else (the code under test's routes) with neither."""

    def __init__(
        self, url: str, admin_token: str, sim_token: str | None = None, *, timeout_s: float = 30
    ) -> None:
        self.url = url.rstrip("/")
        self.admin_token = admin_token
        self.sim_token = sim_token
        self.timeout_s = timeout_s
        self._http = requests.Session()

    def call(
        self,
        method: str,
        path: str,
        json: Any = None,
        *,
        admin: bool = False,
        query: dict[str, Any] | None = None,
    ) -> Any:
        """One request; the JSON answer, or ``EmulatorError`` for anything but 2xx."""
        token = self.admin_token if admin else (self.sim_token if path.startswith("/sim/") else None)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        answer = self._http.request(
            method, self.url + path, json=json, params=query, headers=headers, timeout=self.timeout_s
        )
        body = answer.json() if answer.content and "json" in answer.headers.get("Content-Type", "") else None
        if not 200 <= answer.status_code < 300:
            code = body.get("error") if isinstance(body, dict) else None
            message = body.get("message") if isinstance(body, dict) else answer.text[:200]
            raise EmulatorError(
                f"{method} {path}: {answer.status_code} {code}: {message}", answer.status_code, code, body
            )
        return body
