"""One client's full login flow over a kept-alive HTTP/1.1 connection: login -> challenge -> the card's
response (computed here from the enrolled key, as an integration holding the card would) -> verify ->
session -> tickle -> logout. The client keeps the login's ``login_token`` and sends it on verify (the
binding), and the session token as a bearer.

``http.client`` rather than ``requests``: the client shares the machine with the server, and requests costs
several times more CPU per call; what the client burns, the server cannot use.
"""

from __future__ import annotations

import http.client
import json
import time
from collections.abc import Callable
from typing import Any, Protocol
from urllib.parse import urlsplit

from sls_devices.dscplus import expected_response
from sls_server.shapes.login_names import LOGIN_TOKEN_HEADER

from .seed import Seeded

STEPS = ("login", "verify", "session", "tickle", "logout")


class FlowFailed(Exception):
    pass


class Http:
    """One persistent connection; reopened after the server closes it (keep-alive timeout)."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self._host, self._port = parts.hostname or "127.0.0.1", parts.port or 80
        self._conn = http.client.HTTPConnection(self._host, self._port, timeout=60)

    def call(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, Any]:
        sent = {"Content-Type": "application/json", **(headers or {})}
        data = json.dumps(body).encode() if body is not None else None
        for attempt in (1, 2):
            try:
                self._conn.request(method, path, body=data, headers=sent)
                answer = self._conn.getresponse()
                raw = answer.read()
                return answer.status, json.loads(raw) if raw else None
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self._conn.close()
                self._conn = http.client.HTTPConnection(self._host, self._port, timeout=60)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        self._conn.close()


def _expect(step: str, status: int, body: Any) -> Any:
    if status != 200:
        code = body.get("error") if isinstance(body, dict) else body
        raise FlowFailed(f"{step}: {status} {code}")
    return body


class Caller(Protocol):
    def call(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, Any]: ...


def one_flow(http_: Caller, user: Seeded, clock: Callable[[], float] = time.perf_counter) -> dict[str, float]:
    """Seconds per step of one complete flow, by ``clock`` (wall time; ``sls_bench/step_cost.py`` passes CPU
    time); ``FlowFailed`` naming the step that was refused."""
    marks: dict[str, float] = {}
    t0 = clock()
    started = _expect(
        "login",
        *http_.call("POST", "/api/v1/auth/login", {"username": user.username, "password": user.password}),
    )
    marks["login"] = clock() - t0
    response = expected_response(
        bytes.fromhex(user.key_hex), bytes.fromhex(user.pin_sha1_hex), started["factor"]["challenge"]
    )
    t0 = clock()
    done = _expect(
        "verify",
        *http_.call(
            "POST",
            f"/api/v1/auth/login/{started['txn_id']}/verify",
            {"response": response},
            {LOGIN_TOKEN_HEADER: started["login_token"]},
        ),
    )
    marks["verify"] = clock() - t0
    bearer = {"Authorization": f"Bearer {done['session']['token']}"}
    for step, method, path in (
        ("session", "GET", "/api/v1/session"),
        ("tickle", "POST", "/api/v1/session/tickle"),
        ("logout", "POST", "/api/v1/auth/logout"),
    ):
        t0 = clock()
        _expect(step, *http_.call(method, path, None, bearer))
        marks[step] = clock() - t0
    marks["flow"] = sum(marks.values())
    return marks
