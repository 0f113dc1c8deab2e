"""The login page (``/``): username and password, then the second-factor step, all on ``core().logins``.

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
from ...web.wording import (
    CARD_STEPS,
    IBKEY_CHALLENGE_REASONS,
    IBKEY_CHALLENGE_STEPS,
    device_label,
    factor_name,
)
from ..common import client_ip, core, now, session_cookie
from . import bp
from .kit import (
    drop_cookie,
    page,
    require_browser_token,
    say,
    seal,
    set_cookie,
    set_session_cookie,
    typed,
)
from .outcome import tell, tell_tab, told, told_tab
from .step_ends import ends_step
from .step_state import page_key, resend_channels, several_devices, started_state

LOGIN_COOKIE = "sls_page_login"
#: The two options of "Didn't receive a security code?", as the broker names them.
RESEND_NAMES = {"sms": "SMS", "voice": "Voice"}

NOTICES = {
    "sms": "A new security code was sent by SMS.",
    # the step's own prompt then says when the call comes and what to have ready (the seed's words)
    "voice": "A new security code is on its way by voice callback.",
    "challenge": "Use IB Key's challenge/response: enter the Challenge Code in IBKR Mobile.",
}


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


def _keep(response: BaseResponse, key: str, state: dict[str, Any]) -> BaseResponse:
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


def step_view(
    key: str,
    state: dict[str, Any],
    message: str | None = None,
    status: int = 200,
    invalid: bool = False,
    notice: str = "",
) -> ResponseReturnValue:
    """The login's step; `invalid`: the message is about the code typed, and the field says so."""
    factor = state["factor"]
    choosing = several_devices(state["factors"]) and not state.get("chosen")
    template = "select_factor.html" if choosing else "step.html"
    return page(
        template,
        status,
        factor=factor,
        factors=state["factors"],
        several=several_devices(state["factors"]),
        channels=resend_channels(state["factors"]),
        factor_name=factor_name,
        device_label=device_label,
        card_steps=CARD_STEPS,
        ibkey_steps=IBKEY_CHALLENGE_STEPS,
        ibkey_reasons=IBKEY_CHALLENGE_REASONS,
        message=message,
        invalid=invalid,
        notice=NOTICES.get(notice),
        action_base=login_path(key),
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
    return _keep(redirect(login_path(key), 303), key, started_state(started))


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


def _logged_in() -> bool:
    return signed_in() is not None


def _ended() -> ResponseReturnValue:
    """A step's form posted for a login this browser holds no binding for: the account when the browser is
    logged in (``_logged_in``), else back to the form, which says so to this tab alone (that a login just
    ended is no one else's to read)."""
    if _logged_in():
        return redirect("/account", 303)
    return tell_tab("/", ENDED, 410, one_cookie=True)


@bp.get("/login/<key>/select")
@bp.get("/login/<key>/resend")
@bp.get("/login/<key>/challenge")
@bp.get("/login/<key>/verify")
def login_step_again(key: str) -> ResponseReturnValue:
    """A step's form target opened as a GET: the step (or "this login has ended"), not a JSON 405."""
    return redirect(login_path(key), 303)


@bp.get("/login/<key>")
def login_step(key: str) -> ResponseReturnValue:
    """The step, with what its last POST was told (a wrong code, a new code sent) once."""
    state = login_state(key)
    if not state:
        return redirect("/account", 303) if _logged_in() else login_form(ENDED, 410)
    said = told()
    return step_view(
        key,
        state,
        said.get("message"),
        said.get("status", 200),
        invalid=said.get("invalid", False),
        notice=said.get("notice", ""),
    )


def _refuse_step(key: str, message: str, status: int, invalid: bool = False) -> ResponseReturnValue:
    """Back to the step, which says why; `invalid`: about the code typed."""
    return tell(login_path(key), message, status, invalid=invalid)


def _switch(
    key: str, state: dict[str, Any], type_: str, device_id: str | None, mode: str | None, notice: str = ""
) -> ResponseReturnValue:
    """Another factor, a new code, or IB Key's challenge mode; the page shows the new prompt, under the
    `notice` (NOTICES) the caller names: a device chosen says none, its prompt says what was sent."""
    try:
        switched = core().logins.switch(
            state["txn"], state["token"], type_, device_id, now=now(), ip=client_ip(), mode=mode
        )
    except StoreUnavailable:
        raise  # the outage page (kit._unavailable), not a refusal
    except SlsError as exc:
        if ends_step(exc):
            return _start_over(key, exc)
        return _refuse_step(key, say(exc), exc.status)
    state = {**state, "factor": switched["factor"], "chosen": True}
    return _keep(tell(login_path(key), notice=notice), key, state)


def _start_over(key: str, exc: SlsError) -> ResponseReturnValue:
    """The login cannot go on: its binding dropped, back to the form, which says why to this tab alone (a
    disabled user, a lock, an address refused: the next person on the browser is not told)."""
    response = tell_tab("/", say(exc), exc.status, one_cookie=True)
    drop_cookie(response, LOGIN_COOKIE, path=login_path(key))
    return response


@bp.post("/login/<key>/select")
def login_select(key: str) -> ResponseReturnValue:
    require_browser_token()
    state = login_state(key)
    if not state:
        return _ended()
    type_, _, device_id = request.form.get("device", "").partition(":")
    choice = next((f for f in state["factors"] if f["type"] == type_ and f["device_id"] == device_id), None)
    if choice is None:
        return _refuse_step(key, "Select a second factor device.", 400)
    current = state["factor"]
    if (current["type"], current["device_id"]) == (type_, device_id) and not current.get("held"):
        return _keep(redirect(login_path(key), 303), key, {**state, "chosen": True})
    return _switch(key, state, type_, device_id, None)  # a held code (the default SMS confirmed) is sent now


@bp.post("/login/<key>/resend")
def login_resend(key: str) -> ResponseReturnValue:
    require_browser_token()
    state = login_state(key)
    if not state:
        return _ended()
    channel = request.form.get("channel")
    offered = resend_channels(state["factors"])
    if channel not in offered:
        names = " or ".join(RESEND_NAMES[c] for c in offered)
        said = f"Choose {names}." if names else "No code is sent to this device."
        return _refuse_step(key, said, 400)
    return _switch(key, state, channel, None, None, notice=channel)  # "A new security code was sent..."


@bp.post("/login/<key>/challenge")
def login_challenge_mode(key: str) -> ResponseReturnValue:
    require_browser_token()
    state = login_state(key)
    if not state:
        return _ended()
    return _switch(key, state, "ibkey", state["factor"]["device_id"], "challenge", notice="challenge")


@bp.post("/login/<key>/verify")
def login_verify(key: str) -> ResponseReturnValue:
    require_browser_token()
    state = login_state(key)
    if not state:
        return _ended()
    response = typed("response")
    if not response or len(response) > 64:
        return _refuse_step(key, "Enter the security code.", 400, invalid=True)
    try:
        done = core().logins.verify(state["txn"], state["token"], response, now=now(), ip=client_ip())
    except StoreUnavailable:
        raise  # the outage page (kit._unavailable), not a refusal
    except SlsError as exc:
        if ends_step(exc):
            return _start_over(key, exc)
        return _refuse_step(key, say(exc), exc.status, invalid=exc.status == 401)
    answer = redirect("/account", 303)
    set_session_cookie(answer, done.token)
    drop_cookie(answer, LOGIN_COOKIE, path=login_path(key))
    return answer
