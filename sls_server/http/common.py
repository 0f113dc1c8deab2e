"""What every view needs: the core, the clock read once per request, the client's address and credentials."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import Flask, Request, Response, current_app, g, jsonify, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.wrappers import Response as AnyResponse

from ..accounts.clientip import resolve_client_ip
from ..auth.console_access import ConsoleDoor
from ..auth.session_state import Session
from ..auth.session_tokens import session_id
from ..wiring import Core

#: The WSGI environ key of the user whose session made the request, once it opened one: the access line's
#: ``user`` (``http.observe``); never set from a name the request merely claims.
USER_KEY = "sls.user"

SESSION_COOKIE = "sls_session"
SECURE_SESSION_COOKIE = "__Host-sls_session"  # host_cookie(SESSION_COOKIE) over TLS

_T = TypeVar("_T")


def extension(name: str, kind: type[_T]) -> _T:
    """What the app factory keeps in ``app.extensions[name]``, checked to be a ``kind``.

    Flask types the mapping ``dict[str, Any]``; the check is what gives callers a real type (so mypy sees
    through ``core().logins``) and turns a wrong wiring into a clear error rather than an odd attribute one.
    """
    found = this_app().extensions[name]
    if not isinstance(found, kind):
        raise TypeError(f"app.extensions[{name!r}] holds a {type(found).__name__}, not a {kind.__name__}")
    return found


def core() -> Core:
    """The app's :class:`~sls_server.wiring.Core`, as :func:`extension` gives it, read in one call for the
    wiring it always is (some twenty a flow); anything else goes through :func:`extension`'s check."""
    found = this_app().extensions.get("sls")
    return found if type(found) is Core else extension("sls", Core)


# The proxies' own lookups (werkzeug's documented ``_get_current_object``: a function of the proxy that
# finds the object in its context variable each time it is called), taken once here rather than read off
# the proxy on each call, and called directly, with no function of ours around them: some eighty calls a
# flow. The proxies are typed as the objects they stand for, whose types do not have that method.

this_request: Callable[[], Request] = cast(Any, request)._get_current_object
"""The request itself rather than ``flask.request``, for a function that reads it several times.

``flask.request`` is a proxy that looks the request up in its context variable on every attribute read
(about a microsecond each: some 30 a request across our hooks and helpers). A hot function binds the object
once with the proxy's documented ``_get_current_object()`` and reads it directly; the object is the same
one, so what is read is too. Even for one read this is the cheaper way (a fifth of the attribute read's
cost: the proxy's attribute lookup, not the context variable, is most of it)."""

this_app: Callable[[], Flask] = cast(Any, current_app)._get_current_object
"""The app itself rather than ``flask.current_app``, as :data:`this_request` for the request: every
:func:`core` reads the app (some twenty a flow)."""

_this_g: Callable[[], Any] = cast(Any, g)._get_current_object
"""``flask.g`` itself (see :data:`this_request`): an object that takes any attribute."""


def json_answer(body: Any, status: int = 200) -> Response:
    """``jsonify(body)`` with ``status``, built in one step: the same bytes and headers.

    ``jsonify`` reaches the provider through ``current_app``, works out its arguments, and a view's
    ``(answer, status)`` tuple then has Flask set the status a second time; every answer of the API went
    that way. A provider of another kind, and indented answers (debug mode, or a provider made not compact),
    are still ``jsonify``'s own."""
    app = this_app()
    provider = app.json
    if not isinstance(provider, DefaultJSONProvider) or (
        provider.compact is False or (provider.compact is None and app.debug)
    ):
        response = jsonify(body)
        response.status_code = status
        return response
    return app.response_class(
        f"{provider.dumps(body, separators=(',', ':'))}\n",
        status=status,
        mimetype=provider.mimetype,
    )


def header(name: str, current: Request | None = None) -> str | None:
    """The request's header ``name`` (not ``Content-Type`` or ``Content-Length``, which the environ keeps
    under other keys), as ``request.headers.get(name)`` gives it: the same environ value, read directly.

    Werkzeug's ``EnvironHeaders.get`` looks the header up by raising and catching a ``KeyError`` when it is
    absent, about 4 µs, and most of the headers a request is asked for are absent (``X-Request-Id``,
    ``X-Forwarded-For``, ``Sec-Fetch-Site``, ``Origin``, ``Authorization`` on a login)."""
    environ = (current or this_request()).environ
    key = _ENVIRON_KEYS.get(name)
    if key is None:  # the names are the code's own, a few dozen: each worked out once (bounded all the same)
        key = "HTTP_" + name.upper().replace("-", "_")
        if len(_ENVIRON_KEYS) < 256:
            _ENVIRON_KEYS[name] = key
    found = environ.get(key)
    return found if isinstance(found, str) else None


#: A header's name -> its key in the WSGI environ, for :func:`header`.
_ENVIRON_KEYS: dict[str, str] = {}


def path_value(name: str) -> str:
    """A parameter of the request's path (``username`` of ``/users/<username>/password``), empty if none:
    for what is judged before the view, which receives them as arguments."""
    return str((this_request().view_args or {}).get(name, ""))


def now() -> int:
    """The app clock, read once per request so every decision in it agrees on the instant.

    One ``get`` on ``g`` itself rather than a membership test and a read through its proxy (see
    :func:`this_request`). The clock never reads None."""
    context = _this_g()
    found = context.get("sls_now")
    if found is None:
        found = context.sls_now = core().clock.now()
    return int(found)


def wall_now() -> int:
    """The wall clock, for what the emulated clock must not move: the console's and the simulators' sign-ins
    (``auth.console``), which the trainer's +1 day must not end."""
    return int(time.time())


def client_ip() -> str | None:
    """The socket peer, or the right-most untrusted X-Forwarded-For hop behind ``SLS_TRUSTED_PROXIES``."""
    current = this_request()
    return resolve_client_ip(
        current.remote_addr, header("X-Forwarded-For", current), core().settings.trusted_proxies
    )


def bearer_token() -> str | None:
    """The credentials of ``Authorization: Bearer <token>`` (scheme case-insensitive, RFC 9110), if any."""
    scheme, _, credentials = (header("Authorization") or "").partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    return None


def bearer_opens(door: ConsoleDoor, route: str) -> bool:
    """Whether the request's bearer token is ``door``'s token (the admin API's: the trainer door's). No token
    given is no, and no guess; a wrong one is counted against the client's address and recorded with the
    ``route`` asked (its pattern), and while the address has given too many every token from it is 429
    ``rate_limited`` (``auth.token_guesses``)."""
    given = bearer_token()
    if given is None:
        return False
    return core().console_access.bearer(door, given, at=now(), ip=client_ip(), route=route)


def host_cookie(name: str) -> str:
    """The name a cookie of the whole host (``Path=/``) goes by on this request: ``__Host-<name>`` over TLS,
    which neither a sibling subdomain nor a man in the middle on plain HTTP can set, and the bare name over
    plain HTTP (a browser keeps no ``__Host-`` cookie without ``Secure``). Set and read by this one rule, so
    over TLS a bare cookie someone planted (a session of theirs, to log the victim in as them) is never
    taken for ours."""
    return f"__Host-{name}" if this_request().is_secure else name


def session_cookie() -> str | None:
    return this_request().cookies.get(host_cookie(SESSION_COOKIE))


def drop_session_cookies(response: AnyResponse, ended: str) -> None:
    """Clear each session cookie the browser sent (either name) that holds a token of the session ``ended``
    (its id), and no other: a cookie of another session (a request whose bearer token named a different
    one, a bare cookie from a login over plain HTTP beside the ``__Host-`` one) still names a live session,
    which the browser would otherwise forget while the server keeps it."""
    current = this_request()
    if "HTTP_COOKIE" not in current.environ:
        return  # none sent (an API client's logout): werkzeug's parse of no cookies costs some 15 µs
    sent = current.cookies
    for name in (SESSION_COOKIE, SECURE_SESSION_COOKIE):
        token = sent.get(name)
        if token and session_id(token) == ended:
            response.delete_cookie(
                name, path="/", secure=name.startswith("__Host-"), httponly=True, samesite="Strict"
            )


def session_token() -> str | None:
    """The bearer token if the request has one (it wins over a cookie), else the session cookie."""
    return bearer_token() or session_cookie()


def caller_session() -> Session:
    """The caller's live session, from :func:`session_token`; using it counts as activity (the idle expiry
    moves), and without one it is 401 as the session rules say (``auth.sessions``)."""
    return named(core().sessions.authenticate(session_token(), now=now(), ip=client_ip()))


def named(session: Session) -> Session:
    """``session``, its user noted for this request's access line (:data:`USER_KEY`)."""
    this_request().environ[USER_KEY] = session.username
    return session
