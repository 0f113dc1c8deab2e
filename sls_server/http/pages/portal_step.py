"""The login's second-factor step (``/login/<key>``): the device chosen, a code sent again, IB Key's
challenge mode, the response verified, each answering 303 to the step or to the form (``outcome``).

It stands apart from ``portal`` because it is the login's second page, with its own forms and refusals;
``portal`` keeps the username-and-password form and what both share: the login's sealed cookie
(``LOGIN_COOKIE``, ``login_state``, ``keep_login``), its path and who this browser is logged in as.
"""

from __future__ import annotations

from typing import Any

from flask import redirect, request
from flask.typing import ResponseReturnValue

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
from .kit import drop_cookie, page, require_browser_token, say, set_session_cookie, typed
from .outcome import tell, tell_tab, told
from .portal import ENDED, LOGIN_COOKIE, keep_login, login_form, login_path, login_state, signed_in
from .step_ends import ends_step
from .step_state import resend_channels, several_devices

#: The two options of "Didn't receive a security code?", as the broker names them.
RESEND_NAMES = {"sms": "SMS", "voice": "Voice"}

NOTICES = {
    "sms": "A new security code was sent by SMS.",
    # the step's own prompt then says when the call comes and what to have ready (the seed's words)
    "voice": "A new security code is on its way by voice callback.",
    "challenge": "Use IB Key's challenge/response: enter the Challenge Code in IBKR Mobile.",
}


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
    return keep_login(tell(login_path(key), notice=notice), key, state)


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
        return keep_login(redirect(login_path(key), 303), key, {**state, "chosen": True})
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
