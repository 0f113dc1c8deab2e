"""A tiny HTTP client on the standard library's urllib (``requests`` is only for tests).

One class for all three surfaces: ``token`` is the bearer it sends (the admin token for ``/admin/v1``, the sim
token for ``/sim/v1``, a session token for ``/api/v1``), and a call may add headers of its own (the login
binding, ``X-Login-Token``). Errors come back as :class:`ApiError` with the server's code, never a traceback.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any
from urllib.parse import quote, urlencode

from .output import EXIT_USAGE, CliError

#: What a redirect to another server keeps of a request's headers: none that holds a token (the bearer, the
#: login binding), which urllib copies to wherever a redirect points.
KEPT_ACROSS_SERVERS = frozenset({"Accept", "Content-type", "User-agent"})


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urllib.parse.urlsplit(url)
    return parts.scheme.lower(), (parts.hostname or "").lower(), parts.port


class _SameServerRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects followed as urllib follows them, but a token only to the server it was meant for: a
    proxy's or a server's redirect to another host, port or scheme would carry the admin or sim token there
    (``requests`` drops it likewise)."""

    def redirect_request(
        self, req: urllib.request.Request, fp: Any, code: int, msg: str, headers: Any, newurl: str
    ) -> urllib.request.Request | None:
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None and _origin(newurl) != _origin(req.full_url):
            for name in [name for name in new.headers if name not in KEPT_ACROSS_SERVERS]:
                new.remove_header(name)
        return new


_OPENER = urllib.request.build_opener(_SameServerRedirects)


class ApiError(Exception):
    """The server answered with an error body: ``{"error": code, "message": ...}``."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        body: dict[str, Any] | None = None,
        *,
        token_sent: bool = False,
        token_source: str | None = None,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.body = body or {}
        self.token_sent = token_sent
        """Whether the request carried a bearer token: a 401 then says that token was refused."""
        self.token_source = token_source
        """Where the token sent was taken from (a file, an option), when the caller said: a refused token
        from another data folder's admin.token is told by that file, and the folder to name. With no token
        sent, the data folder's file whose token was withheld from this server, if any."""


class NoServer(Exception):
    """Nothing answered at the URL (refused, unresolvable, timed out)."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"no server at {url}: {reason}")
        self.url = url
        self.reason = reason


#: What a call raises when it got no usable answer: the server's refusal, no server, a usage error (no URL, a
#: name no route can hold). A caller that can do without the answer catches these and nothing wider, so a
#: bug (a ``KeyError`` from a renamed field) surfaces instead of passing for "no answer".
UNANSWERED = (ApiError, NoServer, CliError)


def segment(value: str) -> str:
    """A path segment, quoted whole: ``+1555...`` stays a plus, a slash cannot reach another route.

    An empty name or one with a slash can reach no route at all (the server decodes ``%2F`` before routing):
    a usage error, exit 2, rather than the server's 404 and a hint that it is too old for the command."""
    if not value or "/" in value:
        why = "is empty" if not value else "has a '/' in it"
        raise CliError(f"{value!r} {why}, so it names nothing the server could have", EXIT_USAGE)
    return quote(value, safe="")


class AdminClient:
    """A server at ``url``, called with ``token`` as its bearer (whichever surface that token opens)."""

    def __init__(
        self,
        url: str,
        token: str | None,
        *,
        timeout_s: float = 15.0,
        headers: dict[str, str] | None = None,
        token_source: str | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        self.token = token
        self.token_source = token_source  # where ``token`` came from, said when the server refuses it
        self.timeout_s = timeout_s
        self.headers = dict(headers or {})  # sent on every call (``sls demo``'s seeding mark)

    def request(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        query: dict[str, str] | None = None,
        *,
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        return _decode(self.fetch(method, path, body, query, headers=headers))

    def fetch(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        query: dict[str, str] | None = None,
        *,
        headers: dict[str, str] | None = None,
    ) -> bytes:
        """The raw answer body (a WAV, the Prometheus text); errors as for :meth:`request`."""
        target = f"{self.url}{path}" + (f"?{urlencode(query)}" if query else "")
        sent = {"Accept": "application/json", **self.headers, **(headers or {})}
        if self.token:
            sent["Authorization"] = f"Bearer {self.token}"
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        req = urllib.request.Request(target, data=data, headers=sent, method=method)
        try:
            with _OPENER.open(req, timeout=self.timeout_s) as response:
                return bytes(response.read())
        except urllib.error.HTTPError as exc:
            raw = exc.read()
            exc.close()
            payload = _decode(raw, strict=False)
            if isinstance(payload.get("error"), str):
                code, message = payload["error"], payload.get("message") or exc.reason
            else:  # an HTML page, a proxy's 502: never printed (it would be lines of markup), only named
                code = f"http_{exc.code}"
                message = f"{exc.reason} (no error of the emulator's: is another server at {self.url}?)"
            raise ApiError(
                exc.code,
                str(code),
                str(message),
                payload,
                token_sent=bool(self.token),
                token_source=self.token_source,  # with no token sent: a folder's withheld (``folder_token``)
            ) from None
        except urllib.error.URLError as exc:
            reason = exc.reason
            text = reason.strerror if isinstance(reason, OSError) and reason.strerror else str(reason)
            raise NoServer(self.url, str(text)) from None
        except (TimeoutError, ConnectionError) as exc:
            raise NoServer(self.url, str(exc) or type(exc).__name__) from None

    # --- the routes the CLI uses ----------------------------------------------------------------------

    def with_token(self, token: str | None) -> AdminClient:
        """The same server, another bearer (the sim token, a session token)."""
        return AdminClient(self.url, token, timeout_s=self.timeout_s, headers=self.headers)

    def create_user(
        self,
        username: str,
        password: str,
        phone: str | None = None,
        ip_allowlist: list[str] | None = None,
        *,
        paper: bool = False,
        sms: bool | None = None,
        known_ips: list[str] | None = None,
    ) -> dict[str, Any]:
        """``sms``: None leaves it to the server (SMS enrolled on a phone, as at account opening);
        ``known_ips``: addresses the user has signed in from before (no sign-in notice from them)."""
        body: dict[str, Any] = {"username": username, "password": password}
        if known_ips:
            body["known_ips"] = known_ips
        if phone:
            body["phone"] = phone
        if ip_allowlist:
            body["ip_allowlist"] = ip_allowlist
        if paper:
            body["paper"] = True
        if sms is not None:
            body["sms"] = sms
        return self.request("POST", "/admin/v1/users", body)

    def user(self, username: str) -> dict[str, Any]:
        return self.request("GET", f"/admin/v1/users/{segment(username)}")

    def enrol_device(self, username: str, params: dict[str, Any]) -> dict[str, Any]:
        return self.request("POST", f"/admin/v1/users/{segment(username)}/devices", params)

    def devices(self, username: str) -> list[dict[str, Any]]:
        return list(self.request("GET", f"/admin/v1/users/{segment(username)}/devices").get("devices", []))

    def revoke_device(self, username: str, device_id: str) -> dict[str, Any]:
        path = f"/admin/v1/users/{segment(username)}/devices/{segment(device_id)}"
        return self.request("DELETE", path)

    def clock(self) -> dict[str, Any]:
        return self.request("GET", "/admin/v1/clock")

    def move_clock(
        self,
        *,
        advance_s: int | None = None,
        set_at: int | None = None,
        freeze: bool | None = None,
        reset: bool | None = None,
    ) -> dict[str, Any]:
        given = {"advance_s": advance_s, "set_at": set_at, "freeze": freeze, "reset": reset or None}
        return self.request("POST", "/admin/v1/clock", {k: v for k, v in given.items() if v is not None})


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
