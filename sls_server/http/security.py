"""The security headers of every answer, chosen in this one place.

- ``Content-Security-Policy``: JSON and every other non-HTML answer get :data:`CSP_API`, which allows
  nothing (a JSON document opened in a browser loads and runs nothing, and cannot be framed). HTML answers
  (the server-rendered pages) get :data:`CSP_PAGES`: scripts, styles, images and fetches from our
  own origin only, no inline script or style, no framing, forms post only to us.
- ``X-Content-Type-Options: nosniff``: a browser never reads a JSON or text answer as script or HTML.
- ``Referrer-Policy: same-origin``: a URL of ours (a transaction id, a device id) never leaks onward, while
  our own forms still say where they come from. ``no-referrer`` made a browser send ``Origin: null`` with a
  form's POST, and one outside a secure context (plain HTTP to a network address: a class's browsers at
  ``sls demo --host 0.0.0.0``) sends no ``Sec-Fetch-Site`` either, so every sign-in was refused as
  cross-site.
- ``X-Frame-Options: DENY``: ``frame-ancestors 'none'`` for browsers that predate CSP 2.
- ``Strict-Transport-Security`` (:data:`HSTS`) on every answer served over HTTPS (the scheme gunicorn
  settles, believing ``X-Forwarded-Proto`` only from ``SLS_TRUSTED_PROXIES``; ASVS 5.0 3.4.1): once a
  browser has reached us over TLS it never again sends the session cookie, a password or a code over plain
  HTTP, where the first request would be open to a downgrade. Never over plain HTTP, where RFC 6797 §7.2
  has browsers ignore it and it would pin nothing.
- ``Cache-Control: no-store`` on every answer except the successful ones of :data:`PUBLIC_DOCUMENTS`
  asked for without credentials: every ``/api``, ``/admin`` and ``/sim`` answer may carry a token, a key, a
  code or a passcode, every error is about someone's request, and the pages carry CSRF tokens;
  a rule by exception keeps a route added later on the safe side. (Simplest honest rule: everything but four
  public documents.) A request with ``Authorization`` gets ``no-store`` even there: ``/metrics`` behind
  ``SLS_METRICS_TOKEN`` is for the scraper alone, and a cache between must not hand it to anyone else.

The ``Server`` header is not ours to set here: ``sls serve`` removes gunicorn's (see ``cli.gunicorn_app``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from flask import Flask

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

CSP_API = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
CSP_PAGES = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
#: A year, this host and its subdomains (ASVS 5.0 3.4.1: at least a year; L2: subdomains too).
HSTS = "max-age=31536000; includeSubDomains"
#: Answers that never carry anything secret, so caches may keep them (when they succeed).
PUBLIC_DOCUMENTS = frozenset({"/healthz", "/readyz", "/metrics", "/openapi.json"})

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
Header = tuple[str, str]
_API = [("Content-Security-Policy", CSP_API), *HEADERS.items()]
_PAGES = [("Content-Security-Policy", CSP_PAGES), *HEADERS.items()]
_NO_STORE = ("Cache-Control", "no-store")
_HSTS = ("Strict-Transport-Security", HSTS)
#: What an answer's own headers may not say, as the names are compared (lower case).
_OURS = frozenset(name.lower() for name, _ in [*_API, _HSTS])
_OURS_AND_CACHE = _OURS | {"cache-control"}


def may_be_stored(path: str, status: int) -> bool:
    return path in PUBLIC_DOCUMENTS and status < 400


def secured(environ: WSGIEnvironment, status: str, headers: Iterable[Header]) -> list[Header]:
    """``headers`` with ours in place of any the answer set itself: the policy of its content type, and
    ``no-store`` unless it may be stored (then its own ``Cache-Control``, if any, stands)."""
    answered = list(headers)
    mimetype = ""
    for name, value in answered:
        if name.lower() == "content-type":
            mimetype = value.partition(";")[0].strip().lower()
    # the request is looked at only for a public document (``and`` stops first on every other path)
    storable = may_be_stored(environ.get("PATH_INFO", ""), int(status[:3])) and (
        "HTTP_AUTHORIZATION" not in environ
    )
    replaced = _OURS if storable else _OURS_AND_CACHE
    kept = [header for header in answered if header[0].lower() not in replaced]
    kept.extend(_PAGES if mimetype == "text/html" else _API)
    if environ.get("wsgi.url_scheme") == "https":
        kept.append(_HSTS)
    if not storable:
        kept.append(_NO_STORE)
    return kept


class SecurityHeaders:
    """The headers added as the answer starts, around the whole Flask app (views, error handlers, 404s and
    405s alike): a list of ready pairs appended, where an ``after_request`` hook set them one by one through
    Werkzeug's ``Headers``, which checks each value (about 20 µs of CPU a request, 2 to 3 % of a flow's)."""

    def __init__(self, app: WSGIApplication) -> None:
        self._app = app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        def starting(status: str, headers: list[Header], exc_info: Any = None) -> Callable[[bytes], object]:
            return start_response(status, secured(environ, status, headers), exc_info)

        return self._app(environ, starting)


def register(app: Flask) -> None:
    """Wraps the app's WSGI callable, so the Flask test client's answers carry the headers too."""
    app.wsgi_app = SecurityHeaders(app.wsgi_app)  # type: ignore[method-assign]  # Flask's documented way
