"""How requests reach the server: one small interface, two implementations.

``InProcess`` drives a Flask app through its test client: no socket, and an actor's address is the request's
``REMOTE_ADDR``. ``Remote`` talks HTTP with ``requests``; an actor's address travels as ``X-Forwarded-For``,
which the server believes only from the proxies in its ``SLS_TRUSTED_PROXIES`` (the runner checks that it
did: ``targets.probe_addresses``). Each client is one actor: its address and its own cookie jar.
"""

from __future__ import annotations

import json
import re
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

#: The header a login's binding travels in: ``sls_server.shapes.login_names``'s, which the scenarios may not
#: import (they reach the server over HTTP, like any client); held equal by ``tests/unit/test_wire_names.py``.
LOGIN_TOKEN_HEADER = "X-Login-Token"

#: Fields of an answer whose value opens something (a session, a login, a device): a failure message, which
#: lands in CI logs and JUnit files, shows that they were there, never what they held.
SECRET_FIELDS = frozenset(
    {"token", "login_token", "password", "passcode", "code", "secret_hex", "secret_b32", "otpauth_uri"}
)


@dataclass
class Response:
    """One answer, as the runner keeps it: enough to check, capture and show."""

    method: str
    path: str
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)
    elapsed_ms: float = 0.0

    @property
    def error(self) -> str | None:
        return self.body.get("error") if isinstance(self.body, dict) else None

    def brief(self) -> str:
        """``401 invalid_response`` or ``200``: what a progress line shows."""
        return f"{self.status} {self.error}" if self.error else str(self.status)

    def said(self, limit: int = 200) -> str:
        """What the answer says, for a failure message: the server's ``message``, else the body shortened
        *whole* (``{'state': 'second_factor', 'factors': [{...}, {...}], ...}``): a body cut at a fixed width
        ended mid-structure (``'factors': [``), and a reader could not tell what was left out."""
        body = self.body
        message = body.get("message") if isinstance(body, dict) else None
        if isinstance(message, str) or not isinstance(body, dict | list):
            text = message if isinstance(message, str) else str(body)
            return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."
        text = ""
        for depth, width in ((3, 8), (2, 6), (2, 3), (1, 3), (1, 1), (0, 0)):
            text = _shortened(body, depth, width)
            if len(text) <= limit:
                break
        return text


def _shortened(value: Any, depth: int, width: int) -> str:
    """``value``'s repr with at most ``width`` items per level, ``depth`` levels deep, and long strings cut
    inside their quotes: always a whole structure, what was left out shown as ``...``."""
    if isinstance(value, dict | list):
        if not value:
            return repr(value)
        opening, closing = ("{", "}") if isinstance(value, dict) else ("[", "]")
        if depth == 0:
            return f"{opening}...{closing}"
        pairs = list(value.items()) if isinstance(value, dict) else list(enumerate(value))
        shown = [
            f"{key!r}: '***'"
            if isinstance(value, dict) and key in SECRET_FIELDS and isinstance(item, str)
            else (f"{key!r}: " if isinstance(value, dict) else "") + _shortened(item, depth - 1, width)
            for key, item in pairs[:width]
        ]
        if len(pairs) > width:
            shown.append("...")
        return opening + ", ".join(shown) + closing
    if isinstance(value, str) and len(value) > 40:
        return repr(value[:37] + "...")
    return repr(value)


class Client(ABC):
    """One actor's connection: its address, its cookies. How a request is timed and its answer kept is said
    here once; each transport says only how the request travels (``_send``)."""

    address: str | None

    def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        headers: dict[str, str] | None = None,
        query: dict[str, Any] | None = None,
    ) -> Response:
        started = time.perf_counter()
        status, raw, answer_headers = self._send(method, path, json_body, headers or {}, query or None)
        elapsed = (time.perf_counter() - started) * 1000
        return Response(method, path, status, _decode(raw, answer_headers), answer_headers, elapsed)

    @abstractmethod
    def _send(
        self, method: str, path: str, json_body: Any, headers: dict[str, str], query: dict[str, Any] | None
    ) -> tuple[int, bytes, dict[str, str]]:
        """The request sent: the answer's status, body and headers."""

    @abstractmethod
    def fork(self) -> Client:
        """A client with the same address and an empty cookie jar (a parallel branch)."""


def segment(value: str) -> str:
    """A path segment, quoted (``+1555…`` must reach the server as a plus, not a space)."""
    return quote(str(value), safe="")


def on_this_server(path: str) -> bool:
    """Whether ``path`` names a place on the server it is sent to: one leading ``/``. Anything else, put
    after the server's address (``http://host`` + ``:9999/x``, ``.evil.example/x``, ``//evil/x``), could
    name another host, and a step with ``auth: admin`` would hand it the admin token."""
    return path.startswith("/") and not path.startswith(("//", "/\\"))


def _why(exc: Exception) -> str:
    """Why a request got no answer, in a few words (``Connection refused``, ``Remote end closed connection
    without response``): requests' own message is a paragraph of urllib3 (``HTTPConnectionPool(...): Max
    retries exceeded ... (Caused by NewConnectionError(...))``) that every failed step repeated."""
    chain: list[BaseException] = []
    cause: BaseException | None = exc
    while cause is not None and len(chain) < 10:
        chain.append(cause)
        cause = cause.__cause__ or cause.__context__
    for link in chain:  # an OSError's strerror says it best (``Connection refused``)
        if isinstance(link, OSError) and link.strerror:
            return link.strerror
    errno = re.search(r"\[Errno -?\d+\] ([^'\")]+)", str(exc))  # urllib3 may keep it as text alone
    if errno:
        return errno.group(1).strip()
    deepest = str(chain[-1])
    if deepest and len(deepest) <= 100 and "Pool(" not in deepest:
        return deepest
    return type(exc).__name__


def _decode(raw: bytes, headers: dict[str, str]) -> Any:
    """The answer's body: parsed when it says it is JSON (or says nothing), else the text it is. Parsed
    whatever it said, the outbox hook's plain-text code ``274642`` became a number, which ``verify`` then
    sent as one, while ``012345`` (no JSON) stayed text: a scenario passed or failed by the code drawn."""
    if not raw:
        return None
    kind = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    media = kind.split(";", 1)[0].strip().lower()
    if media and media != "application/json" and not media.endswith("+json"):
        return raw.decode("utf-8", "replace")
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode("utf-8", "replace")


class InProcessClient(Client):
    def __init__(self, app: Any, address: str | None) -> None:
        self.app = app
        self.address = address
        self._client = app.test_client()
        if address:
            self._client.environ_base["REMOTE_ADDR"] = address

    def _send(
        self, method: str, path: str, json_body: Any, headers: dict[str, str], query: dict[str, Any] | None
    ) -> tuple[int, bytes, dict[str, str]]:
        kwargs: dict[str, Any] = {"headers": headers, "query_string": query}
        if json_body is not None:
            kwargs["json"] = json_body
        answer = self._client.open(path, method=method, **kwargs)
        return answer.status_code, answer.get_data(), dict(answer.headers)

    def fork(self) -> InProcessClient:
        return InProcessClient(self.app, self.address)


class RemoteClient(Client):
    def __init__(self, base_url: str, address: str | None, *, timeout_s: float = 30.0) -> None:
        import requests

        self.base_url = base_url.rstrip("/")
        self.address = address
        self.timeout_s = timeout_s
        self._session = requests.Session()
        if address:
            self._session.headers["X-Forwarded-For"] = address

    def _send(
        self, method: str, path: str, json_body: Any, headers: dict[str, str], query: dict[str, Any] | None
    ) -> tuple[int, bytes, dict[str, str]]:
        import requests

        if not on_this_server(path):  # never another host with this client's credentials
            raise ValueError(f"not a path on {self.base_url}: {path!r}")
        try:
            answer = self._session.request(
                method,
                self.base_url + path,
                json=json_body,
                headers=headers,
                params=query,
                timeout=self.timeout_s,
            )
        except requests.RequestException as exc:
            raise ConnectionError(f"no answer from {self.base_url} ({method} {path}): {_why(exc)}") from None
        return answer.status_code, answer.content, dict(answer.headers)

    def fork(self) -> RemoteClient:
        return RemoteClient(self.base_url, self.address, timeout_s=self.timeout_s)

    def close(self) -> None:
        self._session.close()
