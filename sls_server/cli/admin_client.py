"""A tiny client for ``/admin/v1`` on the standard library's urllib (``requests`` is only for tests)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import quote, urlencode


class ApiError(Exception):
    """The server answered with an error body: ``{"error": code, "message": ...}``."""

    def __init__(self, status: int, code: str, message: str, body: dict[str, Any] | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.body = body or {}


class NoServer(Exception):
    """Nothing answered at the URL (refused, unresolvable, timed out)."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"no server at {url}: {reason}")
        self.url = url
        self.reason = reason


def _segment(value: str) -> str:
    return quote(value, safe="")


class AdminClient:
    def __init__(self, url: str, token: str | None, *, timeout_s: float = 15.0) -> None:
        self.url = url.rstrip("/")
        self.token = token
        self.timeout_s = timeout_s

    def request(
        self, method: str, path: str, body: dict[str, Any] | None = None, query: dict[str, str] | None = None
    ) -> dict[str, Any]:
        target = f"{self.url}{path}" + (f"?{urlencode(query)}" if query else "")
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        req = urllib.request.Request(target, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout_s) as response:
                return _decode(response.read())
        except urllib.error.HTTPError as exc:
            raw = exc.read()
            exc.close()
            payload = _decode(raw, strict=False)
            code = payload.get("error") if isinstance(payload.get("error"), str) else f"http_{exc.code}"
            message = payload.get("message") or raw.decode(errors="replace")[:200] or exc.reason
            raise ApiError(exc.code, str(code), str(message), payload) from None
        except urllib.error.URLError as exc:
            reason = exc.reason
            text = reason.strerror if isinstance(reason, OSError) and reason.strerror else str(reason)
            raise NoServer(self.url, str(text)) from None
        except (TimeoutError, ConnectionError) as exc:
            raise NoServer(self.url, str(exc) or type(exc).__name__) from None

    # --- the routes the CLI uses ----------------------------------------------------------------------

    def create_user(self, username: str, password: str, phone: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"username": username, "password": password}
        if phone:
            body["phone"] = phone
        return self.request("POST", "/admin/v1/users", body)

    def enrol_device(self, username: str, params: dict[str, Any]) -> dict[str, Any]:
        return self.request("POST", f"/admin/v1/users/{_segment(username)}/devices", params)

    def devices(self, username: str) -> list[dict[str, Any]]:
        return list(self.request("GET", f"/admin/v1/users/{_segment(username)}/devices").get("devices", []))

    def revoke_device(self, username: str, device_id: str) -> dict[str, Any]:
        path = f"/admin/v1/users/{_segment(username)}/devices/{_segment(device_id)}"
        return self.request("DELETE", path)

    def clock(self) -> dict[str, Any]:
        return self.request("GET", "/admin/v1/clock")

    def move_clock(self, *, advance_s: int | None = None, set_at: int | None = None) -> dict[str, Any]:
        body = {"advance_s": advance_s} if advance_s is not None else {"set_at": set_at}
        return self.request("POST", "/admin/v1/clock", body)


def _decode(raw: bytes, *, strict: bool = True) -> dict[str, Any]:
    if not raw:
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        if strict:
            raise ApiError(200, "invalid_response_body", "the server did not answer with JSON") from None
        return {}
    return data if isinstance(data, dict) else {"data": data}
