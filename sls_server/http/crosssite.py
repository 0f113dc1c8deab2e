"""Cookie-authenticated state changes only from our own origin, and the CSRF tokens of the pages' forms.

**The rule** (:func:`refuse_cross_site`, a ``before_request`` hook). A request is judged when all hold:

- its method changes state (anything but GET, HEAD, OPTIONS);
- it carries cookies, and no ``Authorization: Bearer``: the browser attached its credentials by itself.
  A bearer token is what authenticates when present (``session_token``), and a page on another site
  cannot set that header without a CORS preflight this server never approves;
- it is not for ``/admin/v1`` or ``/sim/v1``, which never read a cookie (the admin token; the sim token or
  nothing), so a cookie there carries no authority to abuse. ``/sim/v1`` is judged by origin alone, cookie
  or not, in its own guard (``http.sim.simulators_enabled``): without the sim token it needs no credential,
  so any site's page could drive it.

Such a request must show it comes from this server's own origin: ``Sec-Fetch-Site: same-origin`` or
``none`` (a typed URL, a bookmark), or, from a browser without Fetch Metadata, an ``Origin`` equal to ours
(scheme and host as this server sees them). ``Sec-Fetch-Site``, when sent, decides: it is set by the
browser and says ``same-site`` for a sibling subdomain, which SameSite=Strict does not stop. Otherwise 403
``cross_site_request``, before the view runs: nothing is changed, no event is written.

**With neither header** the request passes. Every browser sends ``Origin`` on a cross-site POST (and on
every non-GET ``fetch``), and modern ones ``Sec-Fetch-Site`` on every request; a request with neither
comes from a client that is not a browser (curl with a cookie jar, ``requests.Session``, a test client),
which no other site can drive, so there is no forgery to stop.

**CSRF tokens** for the HTML forms: :func:`form_token` renders one bound to the session cookie,
:func:`require_form_token` checks the ``csrf_token`` form field or ``X-CSRF-Token`` header (403
``csrf_token_invalid``). See ``sls_server/http/csrf.py`` for the construction.

**After a step-up** the session's token is rotated (the cookie holds the new one), and every page still
open in another tab carries form tokens bound to the old one. Such a token is accepted when the session the
cookie holds now was rotated from the token it was minted for: the rotation stores the retired token's id
with the new session (``SessionRecord.retired``, the latest eight, never changed after), so this is the
server's own record, not the client's claim. The session is the same one, and the tokens of one session's
pages are no less secret than another's, so a forger gains nothing; the cookie still decides which session
acts (a Log out from the old page ends the session the cookie holds). A form token of another session (an
earlier login, another user), of a session that has since ended (its record, and so its list, gone), or a
forged one is refused as before.
"""

from __future__ import annotations

from flask import Flask, request

from ..auth.session_tokens import session_id
from ..errors import NotAuthenticated
from .common import bearer_token, core, extension, header, session_cookie, this_request
from .csrf import CsrfTokens
from .errors import CrossSiteRequest, CsrfTokenInvalid

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Surfaces that never read a cookie: a cookie there is no credential to abuse.
COOKIELESS_PREFIXES = ("/admin/v1/", "/sim/v1/")
OWN_SITE_FETCH = frozenset({"same-origin", "none"})
FORM_FIELD = "csrf_token"
FORM_HEADER = "X-CSRF-Token"


def own_origin() -> str:
    current = this_request()
    return f"{current.scheme}://{current.host}".lower()


def from_own_origin() -> bool:
    """What the browser says about where the request comes from; no browser header at all: not a browser."""
    current = this_request()
    fetch_site = header("Sec-Fetch-Site", current)
    if fetch_site is not None:
        return fetch_site.strip().lower() in OWN_SITE_FETCH
    origin = header("Origin", current)
    if origin is not None:
        return origin.strip().lower() == own_origin()
    return True


def judged() -> bool:
    """Whether :func:`refuse_cross_site` applies to this request (see the module's rule)."""
    current = this_request()  # bound once (see its docstring): read up to four times here
    return (  # cheapest first: parsing the cookies is left for the requests every other test let through
        current.method not in SAFE_METHODS
        and not current.path.startswith(COOKIELESS_PREFIXES)
        and bearer_token() is None
        and "HTTP_COOKIE" in current.environ  # none sent: no parse (werkzeug's of nothing costs some 15 µs)
        and bool(current.cookies)
    )


def refuse_cross_site() -> None:
    if judged() and not from_own_origin():
        raise CrossSiteRequest()


def csrf_tokens() -> CsrfTokens:
    """The app's CSRF token maker (:func:`register` made it from the secret key)."""
    return extension("sls_csrf", CsrfTokens)


def _binding() -> str:
    """The session id the session cookie names; 401 without a cookie, or with one that names no user."""
    cookie = session_cookie()
    binding = session_id(cookie) if cookie else None
    if binding is None:
        raise NotAuthenticated()
    return binding


def form_token() -> str:
    """A fresh CSRF token for a form of this request's session (render it into a hidden ``csrf_token``)."""
    return csrf_tokens().issue(_binding())


def require_form_token() -> None:
    """403 ``csrf_token_invalid`` unless the form (or ``X-CSRF-Token``) carries this session's token: one
    minted for the session token the cookie holds, or for a token that session was rotated from by a step-up
    (a page of another tab, loaded before it: see the module's docstring). Only a token the cookie's own
    binding refuses costs a read of the store."""
    token = request.form.get(FORM_FIELD) or request.headers.get(FORM_HEADER)
    binding = _binding()
    tokens = csrf_tokens()
    if tokens.validate(token, binding):
        return
    if token and any(tokens.validate(token, earlier) for earlier in core().sessions.rotated_from(binding)):
        return
    raise CsrfTokenInvalid()


def register(app: Flask) -> None:
    """Called by ``http.register`` once the core is in ``app.extensions``; its secret key is resolved."""
    secret_key = app.extensions["sls"].settings.secret_key
    app.extensions["sls_csrf"] = CsrfTokens(secret_key)
    app.before_request(refuse_cross_site)
