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
under their path; so at most :func:`budget` characters of a path's wait (their cookies whole, names too): a
form that tells one, or a page that shows one, bounds the others its request carries (never the one it
shows). What a form kept typed for its tab to mend (a refused list of addresses, a username) is ``spare``:
an outcome beyond the bound is first cut to its sentence (``cut`` names what went, so the page says to
type it again), newest kept whole first; only the oldest beyond even their sentences are dropped. Every
sentence is short (:data:`SHORT_CHARS` sealed at most), so :data:`TABS_TOLD` tabs refused at once under one
path are each told theirs, whatever they typed. An outcome whole beyond :data:`WHOLE_CHARS` is told cut.
A problem page's outcomes are told by forms under other paths (:data:`TOLD_FROM`), which are not sent them:
those forms are sent their list instead (:data:`LISTED_COOKIE`), and bound them by it as each is told.

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
#: The most characters of one path's keyed outcomes (their ``name=value; `` whole) that wait at once (about
#: one cookie's 4 KB), for a path whose budget is not below.
OUTCOMES_CHARS = 4000
#: The budgets of the paths whose outcomes ride with a verify page's request (``/account``,
#: ``/account/verify``), with the step-up tasks' (``verify_tasks``) and the session's, or with a problem
#: page's (``/account``, ``/account/problem``), under the 8 KB Cookie header servers take (gunicorn's
#: ``limit_request_field_size``, 8190): ``tests/api/test_verify_cookie_bound.py`` and
#: ``test_problem_cookie_bound.py`` build the worst cases.
BUDGETS = {"/account": 2500, "/account/verify": 1200, "/account/problem": 2000}
#: Paths whose keyed outcomes are told by forms under another path, and that path: a problem page's are told
#: by a task's form (``/account/withdrawal``) or a verify page's (``/account/verify``), whose requests are not
#: sent them, so cannot bound them by reading them. What waits there is listed instead (each key and its
#: cookie's size, newest last) in one more cookie, :data:`LISTED_COOKIE`, scoped where those forms are (one
#: such path: a second would need a list of its own name).
TOLD_FROM = {"/account/problem": "/account"}
LISTED_COOKIE = "sls_page_told"
#: The most characters of one outcome sealed whole; beyond, its ``spare`` is cut (a cookie holds about 4 KB).
WHOLE_CHARS = 2100
#: ... and of one at a path whose outcome rides with every request (the login page's, at ``/``).
WHOLE_CHARS_AT = {"/": 600}
#: The most characters of an outcome cut to its sentence (sealed, with its cookie's name): the messages told
#: are a sentence each, what they echo of a typed entry shortened (``ip_form``).
SHORT_CHARS = 400
#: How many tabs refused at once under one path are each told their sentence at least.
TABS_TOLD = 3
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


def budget(path: str) -> int:
    """The most characters of ``path``'s keyed outcomes that wait at once."""
    return BUDGETS.get(path, OUTCOMES_CHARS)


def _sealed(said: dict[str, Any], path: str, key: str) -> str:
    return seal("outcome").seal(said, _context(path, key, _session()))


def _cut(said: dict[str, Any]) -> dict[str, Any]:
    """``said`` without what it kept typed (its ``spare``), naming what went (``cut``)."""
    short = {k: v for k, v in said.items() if k != "spare"}
    return {**short, "cut": sorted(said["spare"])} if said.get("spare") else short


def tell(
    path: str,
    message: str | None = None,
    status: int = 200,
    to: str | None = None,
    key: str = "",
    spare: dict[str, Any] | None = None,
    *,
    one_cookie: bool = False,
    **more: Any,
) -> Response:
    """The 303 to ``path`` (or ``to``, an address on that path with its query), whose GET shows ``message``
    (answered with ``status``) and ``more`` once; to the GET that asks with the same ``key`` only. ``spare``:
    what was typed, kept for the page to show while the bound allows (:func:`_bound`). ``one_cookie``: sealed
    to ``key`` all the same, but in the path's one cookie, which a newer outcome replaces rather than waits
    beside (:func:`tell_tab`)."""
    answer = redirect(to or path, 303)
    waits = key and not one_cookie  # beside the path's other keyed outcomes, within its budget
    # When it was told, to keep the newest (the browser's wall clock is the one its cookies lapse on).
    said = {"message": message, "status": status, **more, **({"at": time.time()} if waits else {})}
    said = {**said, "spare": spare} if spare else said
    sealed = _sealed(said, path, key)
    if len(sealed) > WHOLE_CHARS_AT.get(path, WHOLE_CHARS) or (waits and path in TOLD_FROM):
        sealed = _sealed(_cut(said), path, key)  # a listed path's is a sentence: never made whole again
    if waits:
        sealed = _bound(answer, path, key, (said, sealed))
    if waits and path in TOLD_FROM:
        _list(answer, path, key, _size(_name(key), sealed))
    set_cookie(
        answer, OUTCOME_COOKIE if one_cookie else _name(key), sealed, path=path, max_age=OUTCOME_MAX_AGE
    )
    return answer


def tell_tab(
    path: str, message: str | None = None, status: int = 200, *, one_cookie: bool = False, **more: Any
) -> Response:
    """:func:`tell`, to this tab's own ``path?told=KEY`` (a new key): a page that several tabs' forms report
    back to (the account page's own) tells each its own outcome.

    ``one_cookie``: the login pages' (the portal's ``/``, whose outcome rides with every request of the site,
    and gateway mode's ``/sso/Login``), so only their one cookie (``/``'s within :data:`WHOLE_CHARS_AT`), a
    later outcome replacing it; keyed all the same, since no session or login exists to seal it to, and sealed
    to the browser alone it was shown to the next person who opened the login page on a shared browser
    within its two minutes (the tab closed as it redirected): who had just failed to log in and why (the
    username typed, a lock, a disabled user), that a login had just ended, that a password had just been
    reset. Every outcome told to a login page is told so. The key is only in the 303's address, which that
    tab never loaded."""
    key = new_key()
    return tell(path, message, status, to=f"{path}?{TOLD}={key}", key=key, one_cookie=one_cookie, **more)


def told(key: str = "", *, one_cookie: bool = False) -> dict[str, Any]:
    """What the POST before told this page under ``key`` (empty when nothing was, or it was already shown),
    what it kept typed (its ``spare``) among it; read once. ``one_cookie``: as :func:`tell` was told."""
    path = request.path
    name = OUTCOME_COOKIE if one_cookie else _name(key)
    for token in request.cookies.getlist(name):  # one per path: "/"'s reaches every page
        said = _open(token, path, key)
        if said is not None:
            g.sls_outcome_shown = (name, path)
            if key and not one_cookie:
                g.sls_outcome_bound = (path, key)
            spare = said.pop("spare", None)
            return {**said, **spare} if isinstance(spare, dict) else said
    return {}


def tab_key() -> str:
    """This tab's key, from its address (``?told=KEY``, :func:`tell_tab`); "" for none or a malformed one."""
    key = request.args.get(TOLD, "")
    return key if KEY.fullmatch(key) else ""


def told_tab(*, one_cookie: bool = False) -> dict[str, Any]:
    """What this tab's form was told (:func:`tell_tab`, the key in the address); nothing without a key."""
    key = tab_key()
    return told(key, one_cookie=one_cookie) if key else {}


def _size(name: str, token: str) -> int:
    """What a cookie adds to the Cookie header: ``name=token; ``."""
    return len(name) + len(token) + 3


def _bound(answer: Response, path: str, own: str, told: tuple[dict[str, Any], str] | None) -> str:
    """``answer`` keeping ``path``'s keyed outcomes this request carries, and ``own``'s (``told``: the one
    being set, whole and sealed; None for one shown, which goes), within :func:`budget`: each cut to its
    sentence (:func:`_cut`) newest first while their sentences fit, the oldest beyond them dropped; then
    made whole again, newest first, while they fit. The sealed ``own`` to set."""
    waiting = []  # (at, order, key, said, token): newest first once sorted
    for order, (name, token) in enumerate(request.cookies.items(multi=True)):
        key = name.removeprefix(OUTCOME_COOKIE + "_")
        if name == _name(key) and key != own and KEY.fullmatch(key):
            said = _open(token, path, key)
            if said is not None:  # another path's (the account page's, under its pages) is not this one's
                waiting.append((float(said.get("at") or 0), order, key, said, token))
    waiting.sort(key=lambda w: (w[0], w[1]), reverse=True)
    each = [(own, *told)] if told else []
    each += [(key, said, token) for _, _, key, said, token in waiting]
    forms = [
        (key, token, _sealed(_cut(said), path, key) if "spare" in said else token)
        for key, said, token in each
    ]
    room, kept, full = budget(path), [], False
    for key, whole, short in forms:
        full = full or (key != own and _size(_name(key), short) > room)
        if full:  # this one and every older one
            drop_cookie(answer, _name(key), path=path)
        else:
            room -= _size(_name(key), short)
            kept.append([key, whole, short, short])
    for chosen in kept:  # whole again, newest first, while they fit
        key, whole, short, _ = chosen
        grown = _size(_name(key), whole) - _size(_name(key), short)
        if grown <= room:
            room -= grown
            chosen[3] = whole
    ages = {key: float(said.get("at") or 0) for key, said, _ in each}
    for key, held, _, now_ in kept[1 if told else 0 :]:
        if now_ != held:  # cut: what was typed goes, the sentence waits out the rest of its time
            left = OUTCOME_MAX_AGE - int(time.time() - ages[key])
            set_cookie(answer, _name(key), now_, path=path, max_age=max(1, left))
    return kept[0][3] if told else ""


def _list_context(path: str) -> str:
    """What a list is sealed to: this browser, not the session, so it bounds every session's outcomes it
    holds (an earlier session's wait out their two minutes beside a new login's, and open for no other);
    it names only random keys and sizes."""
    return f"outcome-list:{path}:{browser_id()}"


def _listed(path: str) -> list[tuple[str, int]]:
    """The keyed outcomes of ``path`` (one of :data:`TOLD_FROM`) its list says wait, oldest first, each with
    its cookie's size; none without a list of this browser's."""
    token = request.cookies.get(LISTED_COOKIE)
    said = seal("outcome").open(token, _list_context(path)) if token else None
    waiting = said.get("waiting") if said else None
    return [(str(key), int(size)) for key, size in waiting] if isinstance(waiting, list) else []


def _list(answer: Response, path: str, own: str, size: int) -> None:
    """``answer`` keeping the outcomes ``path``'s list names, and ``own``'s (``size``: its cookie's; 0 for
    one shown, which goes), within :func:`budget`, newest first: the oldest beyond dropped by name (this
    request need not carry them), never ``own``; and the list set anew. Each is a sentence (as told), so
    :data:`TABS_TOLD` tabs refused at once are each told theirs. A list whose outcomes lapsed names cookies
    no longer there: the oldest, they go first, and dropping one is nothing."""
    listed = [(key, n) for key, n in _listed(path) if key != own] + ([(own, size)] if size else [])
    room, kept, full = budget(path), [], False
    for key, n in reversed(listed):
        full = full or (key != own and n > room)
        if full:  # this one and every older one
            drop_cookie(answer, _name(key), path=path)
        else:
            room -= n
            kept.append([key, n])
    if kept:
        sealed = seal("outcome").seal({"waiting": kept[::-1]}, _list_context(path))
        set_cookie(answer, LISTED_COOKIE, sealed, path=TOLD_FROM[path], max_age=OUTCOME_MAX_AGE)
    else:
        drop_cookie(answer, LISTED_COOKIE, path=TOLD_FROM[path])


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
            _bound(response, path, key, None)
            if path in TOLD_FROM:
                _list(response, path, key, 0)
    return response
