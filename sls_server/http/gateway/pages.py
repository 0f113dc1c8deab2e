"""The gateway's login page, ``/sso/Login``, driven by tools (Selenium, Playwright) as the real one is: the
form, then the second factor by code (``#twofactbase``), a device list (``<select>``) or the IB Key push
wait, then ``Client login succeeds``. All on ``core().logins`` exactly as the portal's login page
(``pages.portal``): no second login implementation.

The login's binding (``login_token``) and its prompt live in one sealed, HttpOnly cookie scoped to the
login's own path (``/sso/Login/<key>``, a key of its own, not the transaction id that names the user),
never in the HTML. A completed login makes its session the
gateway's (``core().gateway.establish``); the REST routes then use it, not a cookie. Forms carry the pages'
CSRF token (bound to ``sls_browser``), which tools that submit by pressing Enter send all the same.

Every form's refusal answers 303 to a GET page (Post/Redirect/Get, ``pages.outcome``): a wrong password, a
lock or the paper/live mismatch to the form, a wrong code (``failed``) to the form, a device or channel not
offered, or a send limit, to the step; the GET says it once. The form's own (with the username typed) goes
to this tab's ``/sso/Login?told=KEY`` (``outcome.tell_tab``): the page opened plainly, by the next person on
a shared browser, says nothing of it. A refusal rendered in answer to the POST was
sent again by a reload: the password (one more failure toward the lock) or a new code's request (one more
text). An outage ends nothing and is answered in place (503, the same form or step), as on the other pages.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Blueprint, jsonify, redirect, request
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response

from ...auth.session_state import Session
from ...errors import SlsError, StoreUnavailable
from ...gateway import login_mode
from ..common import client_ip, core, now
from ..pages.kit import (
    _keep_browser_cookie,
    drop_cookie,
    page,
    require_browser_token,
    seal,
    set_cookie,
)
from ..pages.outcome import _forget_what_was_shown, tell, tell_tab, told, told_tab
from ..pages.step_state import page_key, resend_channels, several_devices, started_state
from .wording import WRONG_CREDENTIALS, device_options, gateway_says, step_names

bp = Blueprint("gateway_pages", __name__)
bp.after_request(_keep_browser_cookie)  # the pages' own hook: sets sls_browser, which binds the CSRF tokens
bp.after_request(_forget_what_was_shown)  # and theirs that drops an outcome once a page showed it

LOGIN_COOKIE = "sls_gw_login"
DONE_COOKIE = "sls_gw_done"
LOGIN = "/sso/Login"
DONE = "/sso/Dispatcher"
#: Refusals after which the login cannot go on: the page starts over at the form, saying why.
ENDS_LOGIN = frozenset({"unknown_transaction", "login_binding_required", "account_disabled", "ip_restricted"})


def login_path(key: str) -> str:
    """The login's step, named by its page key (``step_state.page_key``: no username in the address).
    Percent-encoded as the portal's ``login_path`` (a real key reads the same): never a line break in a
    ``Location`` or a cookie's path."""
    return f"{LOGIN}/{quote(key, safe='')}"


def _state(key: str) -> dict[str, Any] | None:
    """As the portal's ``login_state``: None for no cookie, or one naming no transaction."""
    state = seal("gateway").open(request.cookies.get(LOGIN_COOKIE), f"gateway:{key}")
    return state if state and isinstance(state.get("txn"), str) else None


def _keep(response: Response, key: str, state: dict[str, Any]) -> Response:
    max_age = max(int(state.get("dies_at", 0)) - now(), 60)
    sealed = seal("gateway").seal(state, f"gateway:{key}")
    set_cookie(response, LOGIN_COOKIE, sealed, path=login_path(key), max_age=max_age)
    return response


def _context() -> dict[str, Any]:
    settings = core().settings
    return {"profile": settings.gateway_profile, "notification_step": settings.gateway_notification_step}


def login_form(
    error: str | None = None, status: int = 200, username: str = "", paper: bool = False
) -> ResponseReturnValue:
    return page("gateway/login.html", status, error=error, username=username, paper=paper, **_context())


def _start_over(key: str, error: str, status: int) -> Response:
    """The login cannot go on: its binding dropped, back to the form, which says why to this tab alone."""
    response = tell_tab(LOGIN, error, status, one_cookie=True)
    drop_cookie(response, LOGIN_COOKIE, path=login_path(key))
    return response


def _refuse_step(key: str, error: str, status: int) -> Response:
    """Back to the step, which says why; the login goes on."""
    return tell(login_path(key), error, status)


def step_view(
    key: str, state: dict[str, Any], error: str | None = None, status: int = 200
) -> ResponseReturnValue:
    factor = state["factor"]
    if several_devices(state["factors"]) and not state.get("chosen"):
        template = "gateway/select.html"
    elif factor["type"] == "ibkey" and factor.get("mode") == "push":
        template = "gateway/push.html"
    else:
        template = "gateway/code.html"
    return page(
        template,
        status,
        error=error,
        factor=factor,
        options=device_options(state["factors"]),
        channels=resend_channels(state["factors"]) if factor["type"] in ("sms", "voice") else (),
        base=login_path(key),
        **step_names(factor),
        **_context(),
    )


@bp.get(LOGIN)
def gateway_login_page() -> ResponseReturnValue:
    """``?forwardTo=22&RL=1&ip2loc=on`` and the like are accepted and change nothing. What the last POST here
    was told (a wrong password, a wrong code's ``failed``) is shown once, the username and toggle as sent: to
    the tab whose form it answers (its 303's ``?told=KEY``), never to the next person on the browser."""
    said = told_tab(one_cookie=True)
    return login_form(
        said.get("message"), said.get("status", 200), said.get("username", ""), said.get("paper", False)
    )


@bp.post(LOGIN)
def gateway_login_start() -> ResponseReturnValue:
    require_browser_token()
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    paper = request.form.get("paper") == "on"
    if not username or not password or len(username) > 128 or len(password) > 1024:
        return tell_tab(LOGIN, WRONG_CREDENTIALS, 400, one_cookie=True, username=username[:128], paper=paper)
    try:
        started = core().logins.start(  # a user with several devices chooses first: texted once SMS is chosen
            username, password, now=now(), ip=client_ip(), admit=login_mode(paper), hold_for_choice=True
        )
    except StoreUnavailable as exc:  # an outage refused nothing: the same form, to send again
        return login_form(gateway_says(exc), exc.status, username, paper)
    except SlsError as exc:
        return tell_tab(LOGIN, gateway_says(exc), exc.status, one_cookie=True, username=username, paper=paper)
    key = page_key()
    state = {**started_state(started), "paper": paper}
    return _keep(redirect(login_path(key), 303), key, state)


@bp.get(f"{LOGIN}/<key>")
def gateway_login_step(key: str) -> ResponseReturnValue:
    """A login that ended (or a reload after it) goes back to a clean form: no error a tool would count. What
    the step's last POST was told (a device not offered, a send limit) is shown once."""
    state = _state(key)
    if not state:
        return redirect(LOGIN, 303)
    said = told()
    return step_view(key, state, said.get("message"), said.get("status", 200))


@bp.post(f"{LOGIN}/<key>/select")
def gateway_login_select(key: str) -> ResponseReturnValue:
    require_browser_token()
    state = _state(key)
    if not state:
        return redirect(LOGIN, 303)
    type_, _, device_id = request.form.get("device", "").partition(":")
    if not any(f["type"] == type_ and f["device_id"] == device_id for f in state["factors"]):
        return _refuse_step(key, "Select a second factor device.", 400)
    current = state["factor"]
    if (current["type"], current["device_id"]) == (type_, device_id) and not current.get("held"):
        return _keep(redirect(login_path(key), 303), key, {**state, "chosen": True})
    return _switch(key, state, type_, device_id)  # a held code (the default SMS confirmed) is sent now


@bp.post(f"{LOGIN}/<key>/new-code")
def gateway_login_new_code(key: str) -> ResponseReturnValue:
    """ "Didn't receive a security code?": a new code by SMS or by a voice callback, as on the portal's login
    page. The attempts already made still count: a new code resets nothing."""
    require_browser_token()
    state = _state(key)
    if not state:
        return redirect(LOGIN, 303)
    channel = request.form.get("channel", "")
    if channel not in resend_channels(state["factors"]):
        return _refuse_step(key, "No new code can be sent to this device.", 400)
    return _switch(key, state, channel, None)


@bp.post(f"{LOGIN}/<key>/challenge")
def gateway_login_challenge(key: str) -> ResponseReturnValue:
    """*Log in with Challenge/Response* on the push's step: IB Key's challenge instead of the notification,
    as on the portal's login page (``pages.portal``) and the real gateway's page (``.xyz-showchallenge``)."""
    require_browser_token()
    state = _state(key)
    if not state:
        return redirect(LOGIN, 303)
    if state["factor"]["type"] != "ibkey":
        return _refuse_step(key, "This login waits for no notification.", 400)
    return _switch(key, state, "ibkey", state["factor"]["device_id"], mode="challenge")


def _switch(
    key: str, state: dict[str, Any], type_: str, device_id: str | None, mode: str | None = None
) -> ResponseReturnValue:
    """Another device, a new code to the same phone, or IB Key's challenge (``mode``); a refusal that leaves
    the login going (an outage, a send limit) keeps the step, one that ends it starts over at the form."""
    try:
        switched = core().logins.switch(
            state["txn"], state["token"], type_, device_id, now=now(), ip=client_ip(), mode=mode
        )
    except StoreUnavailable as exc:  # an outage ends nothing: the same step, to try again
        return step_view(key, state, gateway_says(exc), exc.status)
    except SlsError as exc:
        if exc.code not in ENDS_LOGIN:
            return _refuse_step(key, gateway_says(exc), exc.status)
        return _start_over(key, gateway_says(exc), exc.status)
    state = {**state, "factor": switched["factor"], "chosen": True}
    return _keep(redirect(login_path(key), 303), key, state)


@bp.post(f"{LOGIN}/<key>/verify")
def gateway_login_verify(key: str) -> ResponseReturnValue:
    """A wrong code ends this attempt with the gateway's ``failed``, back at the form (the core still counts
    it against the device and the login)."""
    require_browser_token()
    state = _state(key)
    if not state:
        return redirect(LOGIN, 303)
    response = "".join(request.form.get("response", "").split())[:64]
    try:
        done = core().logins.verify(state["txn"], state["token"], response, now=now(), ip=client_ip())
    except StoreUnavailable as exc:  # an outage ends nothing: the same step, to try again
        return step_view(key, state, gateway_says(exc), exc.status)
    except SlsError as exc:
        return _start_over(key, gateway_says(exc), exc.status)
    return _succeeded(key, state, done.session, redirect(DONE, 303))


def _succeeded(key: str, state: dict[str, Any], session: Session, answer: Response) -> Response:
    core().gateway.establish(session, paper=bool(state.get("paper")), now=now(), ip=client_ip())
    drop_cookie(answer, LOGIN_COOKIE, path=login_path(key))
    done = seal("gateway").seal({"sid": session.id}, "gateway:done")
    set_cookie(answer, DONE_COOKIE, done, path=DONE, max_age=300)
    return answer


@bp.get(f"{LOGIN}/<key>/status")
def gateway_login_status(key: str) -> ResponseReturnValue:
    """What the push page polls while the user approves in the app; moves on by itself once approved."""
    state = _state(key)
    if not state:
        return jsonify({"state": "ended", "next": LOGIN})
    try:
        body, result = core().logins.status(state["txn"], state["token"], now=now(), ip=client_ip())
    except StoreUnavailable:
        raise  # the app's JSON 503: the page keeps polling, as for any answer that is not a state
    except SlsError as exc:
        return jsonify({"state": "ended", "message": gateway_says(exc), "next": LOGIN})
    if result is not None:
        return _succeeded(key, state, result.session, jsonify({"state": "authenticated", "next": DONE}))
    if body["state"] == "pending":
        return jsonify({"state": "pending"})
    return jsonify({"state": "ended", "message": "failed", "next": LOGIN})


@bp.post(f"{LOGIN}/<key>/resend")
def gateway_login_resend(key: str) -> ResponseReturnValue:
    """``resendNotification()``: a new push to the same IB Key (a new number to pick)."""
    require_browser_token()
    state = _state(key)
    if not state:
        return jsonify({"state": "ended", "next": LOGIN}), 410
    factor = state["factor"]
    if factor["type"] != "ibkey":
        return jsonify({"state": "error", "message": "This login waits for no notification."}), 409
    try:
        switched = core().logins.switch(
            state["txn"], state["token"], "ibkey", factor["device_id"], now=now(), ip=client_ip()
        )
    except StoreUnavailable:
        raise  # the app's JSON 503: the page keeps polling, as for any answer that is not a state
    except SlsError as exc:
        return jsonify({"state": "error", "message": gateway_says(exc)}), exc.status
    new = switched["factor"]
    answer = jsonify({"state": "sent", "match": new.get("match")})
    return _keep(answer, key, {**state, "factor": new})


@bp.get(DONE)
def gateway_login_done() -> ResponseReturnValue:
    """``Client login succeeds``, for the browser whose login made the gateway's current session."""
    done = seal("gateway").open(request.cookies.get(DONE_COOKIE), "gateway:done")
    view = core().gateway.peek(now=now())
    if not done or view is None or view.record.session_id != done.get("sid"):
        return redirect(LOGIN, 303)
    return page("gateway/success.html", username=view.record.username, **_context())
