"""The security headers of every answer, chosen in this one place.

- ``Content-Security-Policy``: JSON and every other non-HTML answer get :data:`CSP_API`, which allows
  nothing (a JSON document opened in a browser loads and runs nothing, and cannot be framed). HTML answers
  (the server-rendered pages) get :data:`CSP_PAGES`: scripts, styles, images and fetches from our
  own origin only, no inline script or style, no framing, forms post only to us.
- ``X-Content-Type-Options: nosniff``: a browser never reads a JSON or text answer as script or HTML.
- ``Referrer-Policy: no-referrer``: a URL of ours (a transaction id, a device id) never leaks onward.
- ``X-Frame-Options: DENY``: ``frame-ancestors 'none'`` for browsers that predate CSP 2.
- ``Cache-Control: no-store`` on every answer except the successful ones of :data:`PUBLIC_DOCUMENTS`
  asked for without credentials: every ``/api``, ``/admin`` and ``/sim`` answer may carry a token, a key, a
  code or a passcode, every error is about someone's request, and the pages carry CSRF tokens;
  a rule by exception keeps a route added later on the safe side. (Simplest honest rule: everything but four
  public documents.) A request with ``Authorization`` gets ``no-store`` even there: ``/metrics`` behind
  ``SLS_METRICS_TOKEN`` is for the scraper alone, and a cache between must not hand it to anyone else.

The ``Server`` header is not ours to set here: ``sls serve`` removes gunicorn's (see ``cli.gunicorn_app``).
"""

from __future__ import annotations

from flask import Flask, Response, request

CSP_API = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
CSP_PAGES = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
#: Answers that never carry anything secret, so caches may keep them (when they succeed).
PUBLIC_DOCUMENTS = frozenset({"/healthz", "/readyz", "/metrics", "/openapi.json"})

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def may_be_stored(path: str, status: int) -> bool:
    return path in PUBLIC_DOCUMENTS and status < 400


def add_security_headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CSP_PAGES if response.mimetype == "text/html" else CSP_API
    response.headers.update(HEADERS)
    # the headers are looked at only for a public document (``and`` stops first on every other path)
    if not (may_be_stored(request.path, response.status_code) and "Authorization" not in request.headers):
        response.headers["Cache-Control"] = "no-store"
    return response


def register(app: Flask) -> None:
    """An ``after_request`` hook: it runs for views, error handlers, 404s and 405s alike."""
    app.after_request(add_security_headers)
