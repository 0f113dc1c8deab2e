"""Post/Redirect/Get for the pages' forms: what a form's POST tells the page it redirects to.

A form answered with a rendered page is re-sent by a reload or by Back/Forward (the browser asks "resend?"),
and each re-sent password, code or token spends one more attempt against the lockout or the audit trail. So
every form of the login (``portal``), of "verify your identity" (``stepup``), of the trainer console's and
the simulators' sign-in (``trainer``, ``simulators``) and of gateway mode's login page (``gateway.pages``)
answers 303 to a GET page, and the outcome that page shows (the refusal's sentence, its status, whether it
is about what was typed, the username and the paper/live toggle to keep as sent, a notice) travels in
``sls_page_outcome``: sealed like the rest of the pages' state (``kit.seal``), bound to
this browser (``sls_browser``) and to the one path it is for, HttpOnly, SameSite=Strict, scoped to that path.

**Tabs.** A page several tabs are told things on at once (a verify page, a problem page, the account page
itself) names each outcome by its ``key`` (``sls_page_outcome_<key>``, sealed to the key too), and the 303
carries the key in its address (``?task=ID``, or ``?told=KEY``: :func:`tell_tab`), so a tab is told what
happened to its own form, never another tab's: one cookie per path let the later refusal replace the
earlier, and the first tab to load showed it to the wrong tab and dropped it for the other. Keyed outcomes
whose GET never came (a tab closed as it redirected) wait until they lapse, each sent with every request
under their path; so at most :data:`OUTCOMES_CHARS` of a path's wait, the newest kept: a form that tells
one, or a page that shows one, drops the oldest beyond (never the one it tells or shows).

**Sessions.** Every keyed outcome answers a form of a logged-in user, so it is sealed to that session too
(the id of the token the cookie holds), and opens only for it, under that token or one a step-up (another
tab's) rotated it from (``SessionRecord.retired``), as the step-up tasks are (``verify_tasks``). Sealed to
the browser alone, one user's refusal left waiting (with the IP Restrictions list they typed) was shown to
the next user who logged in on that browser and opened its address within its two minutes.

It never holds a password, a code, a response or a token. The GET that reads it drops it, so the sentence is
shown once: a reload shows the page as it now stands, not a refusal that did not happen again.
"""

from __future__ import annotations

import re
import secrets
import time
from typing import Any

from flask import g, redirect, request
from werkzeug.wrappers import Response

from ...auth.session_tokens import session_id
from ..common import core, session_cookie
from . import bp
from .kit import browser_id, drop_cookie, seal, set_cookie

OUTCOME_COOKIE = "sls_page_outcome"
#: Seconds of wall-clock time the outcome waits for its GET, which the browser asks for at once.
OUTCOME_MAX_AGE = 120
#: The most characters of one path's keyed outcomes that wait at once (about one cookie's 4 KB): with the
#: step-up tasks' (``verify_tasks.MAX_TASKS``) well under the 8 KB Cookie header servers take.
OUTCOMES_CHARS = 4000
#: A key as :func:`new_key` draws it (a step-up task's id is one): anything else names no outcome.
KEY = re.compile(r"^[A-Za-z0-9_-]{12}$")
#: The address's field that names a tab's own outcome on a page that is not a task's (:func:`tell_tab`).
TOLD = "told"


def new_key() -> str:
    """A new key: random (72 bits), so a tab never lands on another's outcome (or task) by chance."""
    return secrets.token_urlsafe(9)


def _context(path: str, key: str, session: str = "") -> str:
    return f"outcome:{path}:{key}:{browser_id()}" + (f":{session}" if key else "")


def _session() -> str:
    """The id of the session token this request's cookie holds ("" for none): what a keyed outcome is sealed
    to."""
    cookie = session_cookie()
    return (session_id(cookie) if cookie else None) or ""


def _retired() -> tuple[str, ...]:
    """The ids of the tokens this request's session was rotated from by its step-ups, newest first (the
    server's record: none once the session ended); read from the store once a request, and only when an
    outcome did not open under the token now (a step-up in another tab since it was told)."""
    if "sls_outcome_retired" not in g:
        sid = _session()
        g.sls_outcome_retired = tuple(reversed(core().sessions.rotated_from(sid))) if sid else ()
    return tuple(g.sls_outcome_retired)


def _open(token: str, path: str, key: str) -> dict[str, Any] | None:
    """An outcome cookie's value if it is this browser's for ``path`` and ``key``, and a keyed one this
    session's."""
    box = seal("outcome")
    if not key:
        return box.open(token, _context(path, key))
    said = box.open(token, _context(path, key, _session()))
    for sid in () if said is not None or not _session() else _retired():
        said = box.open(token, _context(path, key, sid))
        if said is not None:
            break
    return said


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
    # When it was told, to keep the newest (the browser's wall clock is the one its cookies lapse on).
    said = {"message": message, "status": status, **more, **({"at": time.time()} if key else {})}
    sealed = seal("outcome").seal(said, _context(path, key, _session()))
    set_cookie(answer, _name(key), sealed, path=path, max_age=OUTCOME_MAX_AGE)
    if key:
        _bound(answer, path, key, len(sealed))
    return answer


def tell_tab(path: str, message: str, status: int, **more: Any) -> Response:
    """:func:`tell`, to this tab's own ``path?told=KEY`` (a new key): a page that several tabs' forms report
    back to (the account page's own) tells each its own outcome."""
    key = new_key()
    return tell(path, message, status, to=f"{path}?{TOLD}={key}", key=key, **more)


def told(key: str = "") -> dict[str, Any]:
    """What the POST before told this page under ``key`` (empty when nothing was, or it was already shown);
    read once."""
    path = request.path
    for token in request.cookies.getlist(_name(key)):  # one per path: "/"'s reaches every page
        said = _open(token, path, key)
        if said is not None:
            g.sls_outcome_shown = (_name(key), path)
            if key:
                g.sls_outcome_bound = (path, key)
            return said
    return {}


def told_tab() -> dict[str, Any]:
    """What this tab's form was told (:func:`tell_tab`, the key in the address); nothing without a key."""
    key = request.args.get(TOLD, "")
    return told(key) if KEY.fullmatch(key) else {}


def _bound(answer: Response, path: str, keep: str, kept: int) -> None:
    """``answer`` dropping the oldest of ``path``'s keyed outcomes this request carries beyond
    :data:`OUTCOMES_CHARS`, counting ``kept`` characters for ``keep``'s (never dropped) first."""
    waiting = []
    for order, (name, token) in enumerate(request.cookies.items(multi=True)):
        key = name.removeprefix(OUTCOME_COOKIE + "_")
        if name == _name(key) and key != keep and KEY.fullmatch(key):
            said = _open(token, path, key)
            if said is not None:  # another path's (the account page's, under its pages) is not this one's
                waiting.append((float(said.get("at") or 0), order, name, len(token)))
    for _, _, name, size in sorted(waiting, reverse=True):
        kept += size
        if kept > OUTCOMES_CHARS:
            drop_cookie(answer, name, path=path)


@bp.after_request
def _forget_what_was_shown(response: Response) -> Response:
    """The outcome is dropped once a page showed it (with the oldest of its path's beyond the bound); an
    outage's 503 did not show it, so it waits."""
    shown = g.get("sls_outcome_shown")
    if shown and response.status_code < 500:
        name, path = shown
        drop_cookie(response, name, path=path)
        bound = g.get("sls_outcome_bound")
        if bound:
            path, key = bound
            _bound(response, path, key, 0)
    return response
