"""Post/Redirect/Get for the pages' forms: what a form's POST tells the page it redirects to.

A form answered with a rendered page is re-sent by a reload or by Back/Forward (the browser asks "resend?"),
and each re-sent password, code or token spends one more attempt against the lockout or the audit trail. So
every form of the login (``portal``), of "verify your identity" (``stepup``), of the trainer console's and
the simulators' sign-in (``trainer``, ``simulators``) and of gateway mode's login page (``gateway.pages``)
answers 303 to a GET page, and the outcome that page shows (the refusal's sentence, its status, whether it
is about what was typed, the username and the paper/live toggle to keep as sent, a notice) travels in
``sls_page_outcome``: sealed like the rest of the pages' state (``kit.seal``), bound to
this browser (``sls_browser``) and to the one path it is for, HttpOnly, SameSite=Strict, scoped to that path.
A page with several at once (the account page's verify page, one task per tab) names each by its ``key``
(``sls_page_outcome_<key>``, sealed to the key too), so a tab is told what happened to its own task, never
another tab's.
It never holds a password, a code, a response or a token. The GET that reads it drops it, so the sentence is
shown once: a reload shows the page as it now stands, not a refusal that did not happen again.
"""

from __future__ import annotations

from typing import Any

from flask import g, redirect, request
from werkzeug.wrappers import Response

from . import bp
from .kit import browser_id, drop_cookie, seal, set_cookie

OUTCOME_COOKIE = "sls_page_outcome"
#: Seconds of wall-clock time the outcome waits for its GET, which the browser asks for at once.
OUTCOME_MAX_AGE = 120


def _context(path: str, key: str) -> str:
    return f"outcome:{path}:{key}:{browser_id()}"


def _name(key: str) -> str:
    return f"{OUTCOME_COOKIE}_{key}" if key else OUTCOME_COOKIE


def tell(
    path: str,
    message: str | None = None,
    status: int = 200,
    to: str | None = None,
    key: str = "",
    **more: Any,
) -> Response:
    """The 303 to ``path`` (or ``to``, an address on that path with its query), whose GET shows ``message``
    (answered with ``status``) and ``more`` once; to the GET that asks with the same ``key`` only."""
    answer = redirect(to or path, 303)
    said = {"message": message, "status": status, **more}
    sealed = seal("outcome").seal(said, _context(path, key))
    set_cookie(answer, _name(key), sealed, path=path, max_age=OUTCOME_MAX_AGE)
    return answer


def told(key: str = "") -> dict[str, Any]:
    """What the POST before told this page under ``key`` (empty when nothing was, or it was already shown);
    read once."""
    path = request.path
    for token in request.cookies.getlist(_name(key)):  # one per path: "/"'s reaches every page
        said = seal("outcome").open(token, _context(path, key))
        if said is not None:
            g.sls_outcome_shown = (_name(key), path)
            return said
    return {}


@bp.after_request
def _forget_what_was_shown(response: Response) -> Response:
    """The outcome is dropped once a page showed it; an outage's 503 did not show it, so it waits."""
    shown = g.get("sls_outcome_shown")
    if shown and response.status_code < 500:
        name, path = shown
        drop_cookie(response, name, path=path)
    return response
