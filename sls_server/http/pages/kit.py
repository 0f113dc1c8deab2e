"""What every page view shares: CSRF tokens for forms, sealed page state in cookies, the session cookie,
and rendering with the common context.

**CSRF.** Forms of a logged-in user carry ``crosssite.form_token()`` (bound to the session cookie; one
bound to a token a step-up rotated the session from still counts: ``crosssite``). Forms
before a session exists (the login, the trainer's and the simulators' sign-in, their actions) are bound to
``sls_browser``: a random HttpOnly, SameSite=Strict cookie this module sets on the first page a browser
sees. The token rides in the form's hidden ``csrf_token`` field, or, for the pages' scripts, in the
``X-CSRF-Token`` header, read from the page's ``<meta name="csrf-token">``. What a form's POST tells the
page it redirects to (``outcome``) is bound to ``sls_browser`` too.

**Outages.** A Redis outage (``StoreUnavailable``) is never a logout, a missing device or an ended login:
views let it through (``except StoreUnavailable: raise`` before any ``except SlsError``) and
:func:`_unavailable` answers 503 ``store_unavailable``: the JSON error for a route the pages' scripts read
(marked :func:`answers_json`), an error page for every other.
"""

from __future__ import annotations

import logging
import re
import secrets
import unicodedata
from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app, g, render_template, request
from flask.typing import ResponseReturnValue
from pydantic import BaseModel, ValidationError
from werkzeug.wrappers import Response

from ...errors import SlsError, StoreUnavailable
from ...web.sealed import PageSeal
from ...web.wording import explain
from ..common import SESSION_COOKIE, core, host_cookie
from ..crosssite import FORM_FIELD, FORM_HEADER, csrf_tokens
from ..errors import CsrfTokenInvalid, answer_error
from ..refusal_words import refused
from . import bp

BROWSER_COOKIE = "sls_browser"
_BROWSER_ID = "browser:"
log = logging.getLogger("sls_server.http")
View = TypeVar("View", bound=Callable[..., ResponseReturnValue])
Model = TypeVar("Model", bound=BaseModel)
#: The endpoints whose answer a page's script reads as JSON (see :func:`answers_json`).
JSON_ENDPOINTS: set[str] = set()
#: A path's first segment: the page section it belongs to (the nav's highlight) and where that section starts.
SECTIONS = {"account": "account", "logout": "account", "sim": "sim", "trainer": "trainer"}
SECTION_HOMES = {"account": "/account", "sim": "/sim", "trainer": "/trainer", "login": "/"}


def seal(label: str) -> PageSeal:
    """The page sealer for one use (``login``, ``verify``, ``outcome``, ``trainer``, ``sim``, ``keypad``),
    made once."""
    seals: dict[str, PageSeal] = current_app.extensions.setdefault("sls_page_seals", {})
    if label not in seals:
        secret_key = core().settings.secret_key
        assert secret_key is not None  # resolved at start-up
        seals[label] = PageSeal(secret_key, label)
    return seals[label]


def set_cookie(response: Response, name: str, value: str, *, path: str, max_age: int | None = None) -> None:
    """Every page cookie: HttpOnly, SameSite=Strict, Secure when served over TLS."""
    response.set_cookie(
        name, value, max_age=max_age, path=path, httponly=True, secure=request.is_secure, samesite="Strict"
    )


def drop_cookie(response: Response, name: str, *, path: str) -> None:
    response.delete_cookie(name, path=path, httponly=True, secure=request.is_secure, samesite="Strict")


# --- CSRF ---------------------------------------------------------------------------------------------


def browser_id() -> str:
    """This browser's ``sls_browser`` id (``__Host-sls_browser`` over TLS: a planted one would let its
    planter forge this browser's form tokens): a new one (set on this answer) for a browser that has none."""
    if "sls_browser" not in g:
        g.sls_browser = request.cookies.get(host_cookie(BROWSER_COOKIE)) or ""
        if len(g.sls_browser) < 20:
            g.sls_browser = secrets.token_urlsafe(24)
            g.sls_browser_new = True
    return str(g.sls_browser)


@bp.after_request
def _keep_browser_cookie(response: Response) -> Response:
    if g.get("sls_browser_new"):
        set_cookie(response, host_cookie(BROWSER_COOKIE), g.sls_browser, path="/", max_age=30 * 86400)
    return response


def browser_token() -> str:
    """A CSRF token for a form shown before any session (bound to this browser's ``sls_browser``)."""
    return csrf_tokens().issue(_BROWSER_ID + browser_id())


def require_browser_token() -> None:
    token = request.form.get(FORM_FIELD) or request.headers.get(FORM_HEADER)
    cookie = request.cookies.get(host_cookie(BROWSER_COOKIE))
    if not cookie or not csrf_tokens().validate(token, _BROWSER_ID + cookie):
        raise CsrfTokenInvalid()


# --- sessions ---------------------------------------------------------------------------------------------


def set_session_cookie(response: Response, token: str) -> None:
    """The session cookie exactly as ``/api/v1`` sets it, so the page and the API share one session."""
    set_cookie(response, host_cookie(SESSION_COOKIE), token, path="/")


# --- rendering ---------------------------------------------------------------------------------------------


def say(exc: SlsError) -> str:
    return explain(exc.code, exc.message, exc.extra, kind=type(exc).__name__)


#: A texted code as a form must hold it (after :func:`typed`).
SIX_DIGITS = re.compile(r"[0-9]{6}")


def typed(field: str) -> str:
    """What a person typed into a code or response field, as a keypad means it: spaces dropped, and a digit
    of any script or width (a phone keyboard's full-width or Arabic-Indic digits) read as its ASCII one, so a
    right code typed so is not spent as a wrong try; anything else is left for the check to refuse."""
    text = unicodedata.normalize("NFKC", request.form.get(field, ""))
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in text if not c.isspace())


def page(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    context.setdefault("csrf_token", browser_token())
    context.setdefault("section", "")
    return render_template(template, **context), status


# --- outages ---------------------------------------------------------------------------------------------


def answers_json(view: View) -> View:
    """Mark a page route whose answer a script reads as JSON: an outage there is the JSON error, which the
    script can tell from an ended session, not an HTML page."""
    JSON_ENDPOINTS.add(f"{bp.name}.{view.__name__}")
    return view


@bp.errorhandler(StoreUnavailable)
def _unavailable(exc: StoreUnavailable) -> ResponseReturnValue:
    if request.endpoint in JSON_ENDPOINTS:
        return answer_error(exc)  # which logs it, as every 5xx
    log.warning("%s: %s", exc.code, exc.message)
    section = SECTIONS.get(request.path.strip("/").split("/")[0], "login")
    retry = request.path if request.method == "GET" else SECTION_HOMES[section]  # a form is not re-sent
    return page("unavailable.html", exc.status, section=section, retry=retry)


@bp.errorhandler(SlsError)
def _refused(exc: SlsError) -> ResponseReturnValue:
    """A refusal no view turned into its page (a form's CSRF token gone stale, a cross-site form): a person
    at a page is shown the refused page with the way back, a page's script the contract's JSON it reads."""
    from ..refusals import a_page_was_asked_for

    return refused_page(exc) if a_page_was_asked_for() else answer_error(exc)


def shaped(model: type[Model], given: dict[str, Any]) -> Model:
    """``given`` as the ``/admin/v1`` twin's shape, or the 400 that route would answer (naming the field): a
    console action allows and refuses exactly what its twin does."""
    try:
        return model.model_validate(given)
    except ValidationError as exc:
        raise refused(model, exc, where="body") from None


def refused_page(exc: SlsError, back: str | None = None) -> tuple[str, int]:
    """A refusal of a page's request told as a page (what was wrong, and the way back to where the person
    was, ``back`` if the caller knows it), not the JSON error a script reads: a form sent too large, or cut
    short on the way."""
    section = SECTIONS.get(request.path.strip("/").split("/")[0], "login")
    if back is None:
        back = request.path if request.method == "GET" else SECTION_HOMES[section]  # a form is not re-sent
    if request.blueprint == "gateway_pages":
        back = "/sso/Login"  # the gateway's login page, where a tool driving it starts again
    return page("refused.html", exc.status, section=section, back=back, refusal=exc.message, code=exc.code)
