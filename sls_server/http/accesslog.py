"""What the access log may say about a request: its route pattern, never its path.

Paths carry identifiers a log must not keep: transaction ids (``/auth/login/<txn_id>/verify``), device ids,
session ids, usernames, phone numbers. The app writes the matched rule (``/api/v1/auth/login/<txn_id>/
verify``) into the WSGI environ under :data:`ROUTE_KEY`, and gunicorn's access log prints that environ value
(``%({sls.route}e)s``) instead of the path. Nothing is added to the answer, so nothing has to be stripped
from it; a request that matches no route is logged as :data:`UNMATCHED`.
"""

from __future__ import annotations

from flask import Flask, request

ROUTE_KEY = "sls.route"
UNMATCHED = "(unmatched)"


def record_route() -> None:
    request.environ[ROUTE_KEY] = request.url_rule.rule if request.url_rule is not None else UNMATCHED


def register(app: Flask) -> None:
    """A ``before_request`` hook (it runs for unmatched paths too, before any hook that may refuse)."""
    app.before_request_funcs.setdefault(None, []).insert(0, record_route)
