"""What the URL map says about a path a request missed, for the 404 and 405 answers (``errors``): the methods
the path itself takes, those it would take without a trailing slash, and whether it lies where only gateway
mode serves routes. Apart from the answers' wording so each lookup is read, and tested, on its own."""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app, request
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RoutingException

#: The order ``Allow`` lists methods in, whatever order the route declared them (one answer, one header).
METHOD_ORDER = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")

#: The gateway's REST prefixes (gateway mode's blueprints there serve only the session routes).
GATEWAY_PREFIXES = ("/v1/api/", "/v1/portal/")
#: The folders only gateway mode's blueprints serve (``sls_server.http.gateway``), besides those.
GATEWAY_FOLDERS = ("/sim/v1/outbox", "/admin/v1/gateway")


def gateway_only(path: str) -> bool:
    """Whether ``path`` lies where only gateway mode serves routes: a folder itself or below it, not a name
    that merely begins like one (``/sim/v1/outboxes``)."""
    return path.startswith(GATEWAY_PREFIXES) or any(
        path == folder or path.startswith(folder + "/") for folder in GATEWAY_FOLDERS
    )


def own_methods(allowed: Iterable[str]) -> list[str]:
    """Of the methods werkzeug found for the path, those of a route that is this path itself, when there is
    one: ``/api/v1/sessions/end-others`` (POST) also fits ``/api/v1/sessions/<session_id>`` (DELETE), and
    ``Allow: POST, DELETE`` named a method the document does not list for that path. Only a 405 pays for
    the matching, and a path no route spells out keeps every method werkzeug found."""
    found = list(allowed)
    routes = current_app.url_map.bind_to_environ(request.environ)
    own = []
    for method in found:
        try:
            rule, _ = routes.match(request.path, method=method, return_rule=True)
        except (HTTPException, RoutingException):  # a redirect or a refusal: not a route of this path
            continue
        if not rule.arguments:
            own.append(method)
    return own or found


def methods_without_the_slash() -> list[str]:
    """The methods the request's path takes without its trailing slash (none: no route is there either).

    A client joining a base URL and a path (``/admin/v1/clock/``) got werkzeug's "The requested URL was not
    found on the server", which sent it looking for a typo. No route is redirected (a 308 would resend a
    POST's body on a second request): the 404 says what to send instead, without echoing the path."""
    path = request.path
    if len(path) < 2 or not path.endswith("/"):
        return []
    routes = current_app.url_map.bind_to_environ(request.environ)
    return in_order(routes.allowed_methods(path.rstrip("/")))


def in_order(methods: Iterable[str]) -> list[str]:
    return sorted(set(methods), key=lambda m: (*METHOD_ORDER, m).index(m))


def method_named(method: str) -> str:
    """The request's method, named when it is one of HTTP's own (an invented one is not echoed)."""
    return method if method in METHOD_ORDER or method in ("CONNECT", "TRACE") else "that method"
