"""What the access log may say about a request: its route pattern, never its path.

Paths carry identifiers a log must not keep: transaction ids (``/auth/login/<txn_id>/verify``), device ids,
session ids, usernames, phone numbers. The app writes the matched rule (``/api/v1/auth/login/<txn_id>/
verify``) into the WSGI environ under :data:`ROUTE_KEY`, and gunicorn's access log prints that environ value
(``%({sls.route}e)s``) instead of the path. Nothing is added to the answer, so nothing has to be stripped
from it; a request that matches no route is logged as :data:`UNMATCHED`. A request whose path is a route's
but whose method that route does not answer (a 405) is the route's: Flask keeps no rule for it, so the rule
is matched again with a method the route answers. ``/metrics`` labels requests by the same value, which so
stays bounded: a route pattern, or the one :data:`UNMATCHED` for every made-up path.
"""

from __future__ import annotations

from flask import Flask, current_app
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.routing import RoutingException

from .common import this_request

ROUTE_KEY = "sls.route"
UNMATCHED = "(unmatched)"


def route_pattern() -> str:
    """The matched rule's pattern; for a 405, the pattern of the route the path is; else :data:`UNMATCHED`."""
    current = this_request()
    rule = current.url_rule
    if rule is not None:
        return rule.rule
    refused = current.routing_exception
    if not isinstance(refused, MethodNotAllowed) or not refused.valid_methods:
        return UNMATCHED
    adapter = current_app.create_url_adapter(current)
    if adapter is None:
        return UNMATCHED
    answered = next(iter(refused.valid_methods))
    try:
        rule, _ = adapter.match(method=answered, return_rule=True)
    except (HTTPException, RoutingException):  # a redirect or a miss with that method after all: none
        return UNMATCHED
    return rule.rule


def record_route() -> None:
    this_request().environ[ROUTE_KEY] = route_pattern()


def register(app: Flask) -> None:
    """A ``before_request`` hook (it runs for unmatched paths too, before any hook that may refuse)."""
    app.before_request_funcs.setdefault(None, []).insert(0, record_route)
