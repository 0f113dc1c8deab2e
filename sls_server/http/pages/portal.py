"""The login page (``/``): username and password, then the second-factor step, all on ``core().logins``.

The login's binding (``login_token``) and the prompt the step shows (the challenge, the number to pick, the
masked phone) live in one sealed cookie, ``sls_page_login``, HttpOnly, SameSite=Strict and scoped to this
login's own path (``/login/<txn_id>``): never in the HTML, and two logins in two tabs keep their own. So a
reload shows the same step, and any worker can serve it.

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
from ..common import client_ip, core, now
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

LOGIN_COOKIE = "sls_page_login"
#: The two options of "Didn't receive a security code?", as the broker names them.
RESEND_NAMES = {"sms": "SMS", "voice": "Voice"}

NOTICES = {
    "sms": "A new security code was sent by SMS.",
    "voice": "You will receive a call within a minute: be ready to write down the code it reads out.",
    "challenge": "Use IB Key's challenge/response: enter the Challenge Code in IBKR Mobile.",
}


def several_devices(factors: list[dict[str, Any]]) -> bool:
    """M2FS: more than one device (an SMS phone also takes voice callbacks: that is one device)."""
    return len({f["device_id"] for f in factors}) > 1


def started_state(started: dict[str, Any]) -> dict[str, Any]:
    """What a browser keeps (sealed, in its login cookie) of a login it just started: the same for the portal
    and the gateway's pages, so their steps read it alike. ``dies_at``, when the cookie lapses: three
    challenge lifetimes past the first challenge's expiry (a code sent again, or another device, carries the
    login on past it); ``chosen``: one device leaves nothing to choose."""
    return {
        "token": started["login_token"],
        "factor": started["factor"],
        "factors": started["factors"],
        "dies_at": int(started["expires_at"]) + 3 * core().settings.challenge_ttl,
        "chosen": not several_devices(started["factors"]),
    }


def resend_channels(factors: list[dict[str, Any]]) -> tuple[str, ...]:
    """What "Didn't receive a security code?" offers: the broker's two options, SMS and Voice, for a
    phone enrolled for SMS (it takes voice callbacks too); only Voice for a voice-only phone."""
    types = {f["type"] for f in factors}
    return tuple(c for c in ("sms", "voice") if c in types)


def login_path(txn_id: str) -> str:
    """The login's page. The id as the address carried it, percent-encoded: a real one reads the same (its
    characters are all unreserved), one with a line break (``/login/a%0d%0a.../verify``) is no header value
    werkzeug will write, and was a 500 with an error's traceback for any client that asked."""
    return f"/login/{quote(txn_id, safe='~')}"


def login_state(txn_id: str) -> dict[str, Any] | None:
    return seal("login").open(request.cookies.get(LOGIN_COOKIE), f"login:{txn_id}")


def _keep(response: BaseResponse, txn_id: str, state: dict[str, Any]) -> BaseResponse:
    max_age = max(int(state.get("dies_at", 0)) - now(), 60)
    set_cookie(
        response,
        LOGIN_COOKIE,
        seal("login").seal(state, f"login:{txn_id}"),
        path=login_path(txn_id),
        max_age=max_age,
    )
    return response


def login_form(
    message: str | None = None, status: int = 200, username: str = "", notice: str | None = None
) -> tuple[str, int]:
    invalid = status in (400, 401)  # what was typed is wrong, not the account (locked, disabled, refused)
    return page(
        "login.html",
        status,
        message=message,
        invalid=invalid,
        username=username,
        notice=notice,
        section="login",
    )


def step_view(
    txn_id: str,
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
        txn_id=txn_id,
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
        action_base=login_path(txn_id),
        section="login",
    )


@bp.get("/")
def login_page() -> ResponseReturnValue:
    """The form, with what the last POST here was told (a wrong password, a lock, an ended login, a password
    reset) once: to this tab only (its 303's ``?told=KEY``), never to the next person on the browser."""
    said = told_tab(one_cookie=True)
    return login_form(
        said.get("message"), said.get("status", 200), said.get("username", ""), said.get("notice")
    )


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
        started = core().logins.start(username, password, now=now(), ip=client_ip())
    except StoreUnavailable:
        raise  # the outage page (kit._unavailable), not a refusal
    except SlsError as exc:
        return _refused(say(exc), exc.status, username)
    txn_id = started["txn_id"]
    return _keep(redirect(login_path(txn_id), 303), txn_id, started_state(started))


ENDED = "This login has ended or was started in another browser. Please log in again."


def _ended() -> ResponseReturnValue:
    """A step's form posted for a login this browser holds no binding for: back to the form, which says so
    to this tab alone (that a login just ended is no one else's to read)."""
    return tell_tab("/", ENDED, 410, one_cookie=True)


@bp.get("/login/<txn_id>/select")
@bp.get("/login/<txn_id>/resend")
@bp.get("/login/<txn_id>/challenge")
@bp.get("/login/<txn_id>/verify")
def login_step_again(txn_id: str) -> ResponseReturnValue:
    """A step's form target opened as a GET: the step (or "this login has ended"), not a JSON 405."""
    return redirect(login_path(txn_id), 303)


@bp.get("/login/<txn_id>")
def login_step(txn_id: str) -> ResponseReturnValue:
    """The step, with what its last POST was told (a wrong code, a new code sent) once."""
    state = login_state(txn_id)
    if not state:
        return login_form(ENDED, 410)
    said = told()
    return step_view(
        txn_id,
        state,
        said.get("message"),
        said.get("status", 200),
        invalid=said.get("invalid", False),
        notice=said.get("notice", ""),
    )


def _refuse_step(txn_id: str, message: str, status: int, invalid: bool = False) -> ResponseReturnValue:
    """Back to the step, which says why; `invalid`: about the code typed."""
    return tell(login_path(txn_id), message, status, invalid=invalid)


def _switch(
    txn_id: str, state: dict[str, Any], type_: str, device_id: str | None, mode: str | None, notice: str = ""
) -> ResponseReturnValue:
    """Another factor, a new code, or IB Key's challenge mode; the page shows the new prompt, under the
    `notice` (NOTICES) the caller names: a device chosen says none, its prompt says what was sent."""
    try:
        switched = core().logins.switch(
            txn_id, state["token"], type_, device_id, now=now(), ip=client_ip(), mode=mode
        )
    except StoreUnavailable:
        raise  # the outage page (kit._unavailable), not a refusal
    except SlsError as exc:
        if ends_step(exc):
            return _start_over(txn_id, exc)
        return _refuse_step(txn_id, say(exc), exc.status)
    state = {**state, "factor": switched["factor"], "chosen": True}
    return _keep(tell(login_path(txn_id), notice=notice), txn_id, state)


def _start_over(txn_id: str, exc: SlsError) -> ResponseReturnValue:
    """The login cannot go on: its binding dropped, back to the form, which says why to this tab alone (a
    disabled user, a lock, an address refused: the next person on the browser is not told)."""
    response = tell_tab("/", say(exc), exc.status, one_cookie=True)
    drop_cookie(response, LOGIN_COOKIE, path=login_path(txn_id))
    return response


@bp.post("/login/<txn_id>/select")
def login_select(txn_id: str) -> ResponseReturnValue:
    require_browser_token()
    state = login_state(txn_id)
    if not state:
        return _ended()
    type_, _, device_id = request.form.get("device", "").partition(":")
    choice = next((f for f in state["factors"] if f["type"] == type_ and f["device_id"] == device_id), None)
    if choice is None:
        return _refuse_step(txn_id, "Select a second factor device.", 400)
    current = state["factor"]
    if (current["type"], current["device_id"]) == (type_, device_id):
        return _keep(redirect(login_path(txn_id), 303), txn_id, {**state, "chosen": True})
    return _switch(txn_id, state, type_, device_id, None)


@bp.post("/login/<txn_id>/resend")
def login_resend(txn_id: str) -> ResponseReturnValue:
    require_browser_token()
    state = login_state(txn_id)
    if not state:
        return _ended()
    channel = request.form.get("channel")
    offered = resend_channels(state["factors"])
    if channel not in offered:
        names = " or ".join(RESEND_NAMES[c] for c in offered)
        said = f"Choose {names}." if names else "No code is sent to this device."
        return _refuse_step(txn_id, said, 400)
    return _switch(txn_id, state, channel, None, None, notice=channel)  # "A new security code was sent..."


@bp.post("/login/<txn_id>/challenge")
def login_challenge_mode(txn_id: str) -> ResponseReturnValue:
    require_browser_token()
    state = login_state(txn_id)
    if not state:
        return _ended()
    return _switch(txn_id, state, "ibkey", state["factor"]["device_id"], "challenge", notice="challenge")


@bp.post("/login/<txn_id>/verify")
def login_verify(txn_id: str) -> ResponseReturnValue:
    require_browser_token()
    state = login_state(txn_id)
    if not state:
        return _ended()
    response = typed("response")
    if not response or len(response) > 64:
        return _refuse_step(txn_id, "Enter the security code.", 400, invalid=True)
    try:
        done = core().logins.verify(txn_id, state["token"], response, now=now(), ip=client_ip())
    except StoreUnavailable:
        raise  # the outage page (kit._unavailable), not a refusal
    except SlsError as exc:
        if ends_step(exc):
            return _start_over(txn_id, exc)
        return _refuse_step(txn_id, say(exc), exc.status, invalid=exc.status == 401)
    answer = redirect("/account", 303)
    set_session_cookie(answer, done.token)
    drop_cookie(answer, LOGIN_COOKIE, path=login_path(txn_id))
    return answer
