"""The login page (``/``): username and password, then the second-factor step (``portal_step``), all on
``core().logins``.

The login's binding (``login_token``) and the prompt the step shows (the challenge, the number to pick, the
masked phone) live in one sealed cookie, ``sls_page_login``, HttpOnly, SameSite=Strict and scoped to this
login's own path (``/login/<key>``): never in the HTML, and two logins in two tabs keep their own. So a
reload shows the same step, and any worker can serve it. The path names the login by a key of its own,
never by its transaction id, which names the user (``step_state``).

Every form here answers 303 to a GET (``outcome``): a wrong password to ``/``, a wrong code or a refused
choice to the step, a login that ended to ``/``; so a reload or Back never sends a password or a code again.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import redirect, request
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response as BaseResponse

from ...errors import SlsError, StoreUnavailable
from ..common import client_ip, core, now, session_cookie
from . import bp
from .kit import page, require_browser_token, say, seal, set_cookie
from .outcome import tell_tab, told_tab
from .step_state import page_key, started_state

LOGIN_COOKIE = "sls_page_login"


def login_path(key: str) -> str:
    """The login's page. The key as the address carried it, percent-encoded: a real one reads the same (its
    characters are all unreserved), one with a line break (``/login/a%0d%0a.../verify``) is no header value
    werkzeug will write, and was a 500 with an error's traceback for any client that asked."""
    return f"/login/{quote(key, safe='')}"


def login_state(key: str) -> dict[str, Any] | None:
    """What this browser holds of the login at ``key``, its transaction id (``txn``) among it; None: none,
    or a cookie sealed before pages had keys (it names no transaction)."""
    state = seal("login").open(request.cookies.get(LOGIN_COOKIE), f"login:{key}")
    return state if state and isinstance(state.get("txn"), str) else None


def keep_login(response: BaseResponse, key: str, state: dict[str, Any]) -> BaseResponse:
    """``response`` carrying the login at ``key`` sealed in its own cookie, scoped to its path."""
    max_age = max(int(state.get("dies_at", 0)) - now(), 60)
    set_cookie(
        response,
        LOGIN_COOKIE,
        seal("login").seal(state, f"login:{key}"),
        path=login_path(key),
        max_age=max_age,
    )
    return response


def login_form(
    message: str | None = None,
    status: int = 200,
    username: str = "",
    notice: str | None = None,
    signed_in_as: str | None = None,
) -> tuple[str, int]:
    """The form; ``signed_in_as``: the user this browser is logged in as, said above it with the way back."""
    invalid = status in (400, 401)  # what was typed is wrong, not the account (locked, disabled, refused)
    return page(
        "login.html",
        status,
        message=message,
        invalid=invalid,
        username=username,
        notice=notice,
        signed_in_as=signed_in_as,
        section="login",
    )


@bp.get("/")
def login_page() -> ResponseReturnValue:
    """The form, with what the last POST here was told (a wrong password, a lock, an ended login, a password
    reset) once: to this tab only (its 303's ``?told=KEY``), never to the next person on the browser."""
    said = told_tab(one_cookie=True)
    return login_form(
        said.get("message"),
        said.get("status", 200),
        said.get("username", ""),
        said.get("notice"),
        signed_in_as=_signed_in_if_told(),
    )


def _signed_in_if_told() -> str | None:
    """:func:`signed_in` for the form's line only: during an outage the form is shown without it, as the
    login form needs no state to be shown (its POST then answers the outage's page)."""
    try:
        return signed_in()
    except StoreUnavailable:
        return None


@bp.get("/login")
def login_again() -> ResponseReturnValue:
    """The form's POST target, opened as a GET (a bookmark, a typed address): the form, not a JSON 405."""
    return redirect("/", 303)


def _refused(message: str, status: int, username: str = "") -> ResponseReturnValue:
    """Back to the form, which says why, with the username still typed: to this tab alone (``tell_tab``)."""
    return tell_tab("/", message, status, one_cookie=True, spare={"username": username})  # cut when too long


@bp.post("/login")
def login_start() -> ResponseReturnValue:
    require_browser_token()
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    if not username or not password:
        return _refused("Enter your username and password.", 400, username[:128])
    if len(username) > 128 or len(password) > 1024:
        return _refused("The username or password you entered is incorrect. Please try again.", 400)
    try:
        # the step asks a user with several devices which one first: a code is texted once SMS is chosen
        started = core().logins.start(username, password, now=now(), ip=client_ip(), hold_for_choice=True)
    except StoreUnavailable:
        raise  # the outage page (kit._unavailable), not a refusal
    except SlsError as exc:
        return _refused(say(exc), exc.status, username)
    key = page_key()
    return keep_login(redirect(login_path(key), 303), key, started_state(started))


ENDED = "This login has ended or was started in another browser. Please log in again."


def signed_in() -> str | None:
    """Who this browser is logged in as (its session cookie's live session, looked at without counting as
    activity), or None. A login's step found ended is then most likely the one that logged it in (Back
    after the response, a second tab of the same login), and the user is sent to the account; the login
    form says who is logged in: logging in again would start a second session and leave the first one
    live. An outage is raised as it is."""
    cookie = session_cookie()
    if not cookie:
        return None
    try:
        return core().sessions.authenticate(cookie, now=now(), ip=client_ip(), extend=False).username
    except StoreUnavailable:
        raise
    except SlsError:
        return None
