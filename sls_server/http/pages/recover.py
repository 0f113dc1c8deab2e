"""The login page's "Forgot your password?" (``/recover``): the username, the code texted to the account's
phone, the second factor on another authenticator, the new password twice; the same core steps as
``/api/v1/auth/recovery`` (``auth.password_recovery``).

Where the recovery stands (its token, the stage, the step's prompt) waits sealed in ``sls_page_recovery``,
scoped to ``/recover``; never a password or a code. Every form answers 303 to the GET page (``outcome``), so a
reload never sends a code or a password again.

**Its tab's.** The recovery is sealed to this browser and to a key drawn when its username is sent, which
only that tab's addresses carry (``/recover?told=KEY``, as ``outcome.tell_tab`` keys what a login page is
told; its refusals are told under the same key). Sealed to the browser alone, a person who passed the second
factor and closed the tab before choosing the password left the new-password form for that account to the
next person who opened ``/recover`` on that browser while the verified stage lasted. A reload, Back and
Forward stay in the tab's addresses; ``/recover`` itself always starts over.

**Its hold.** The tab's address is in the browser's history too, and the verified stage is a form that
needs nothing more. So that stage draws a secret of its own, the hold, which the page shows until the tab
says it keeps it (after the second factor, and after each refusal of the tab's own password form); the tab
keeps it in ``sessionStorage`` (``recover-hold.js``), which a new tab does not share, tells the server so
(``recover_hold``), and the password form must send it. Shown once only, a reload or Back before the script
had run (a slow network, a loaded machine) lost it, and with it the reset; now the views before the tab has
kept it are offered it too, at most :data:`HOLD_VIEWS` (a browser without scripts never says it kept it).
The address opened again from the history once the tab kept it is not offered the form, and a form sent
without the hold ends the recovery.
"""

from __future__ import annotations

import secrets
from typing import Any

from flask import jsonify, make_response, redirect, request
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response as BaseResponse

from sls_devices.phone import how_long

from ...errors import SlsError, StoreUnavailable
from ...web.wording import CARD_VERIFY_STEPS, IBKEY_CHALLENGE_REASONS, IBKEY_VERIFY_STEPS, factor_name
from ..common import client_ip, core, now
from . import bp
from .kit import (
    SIX_DIGITS,
    answers_json,
    browser_id,
    drop_cookie,
    page,
    require_browser_token,
    say,
    seal,
    set_cookie,
    typed,
)
from .outcome import TOLD, new_key, tab_key, tell, tell_tab, told_tab

PATH = "/recover"
COOKIE = "sls_page_recovery"
#: What a password form sent without the tab's hold is told (the recovery then starts over).
LEFT = "This reset was left in another tab or window: start again."
#: Refusals after which the recovery is over: the page starts again from the username.
ENDS = (
    "challenge_expired",
    "client_services_required",
    "account_disabled",
    "device_locked",
    "push_denied",
    "reauth_required",
)


def _here(key: str) -> str:
    """The tab's page: its key in the address, so a reload or Back opens the same recovery."""
    return f"{PATH}?{TOLD}={key}"


def _context(key: str) -> str:
    return f"recovery:{browser_id()}:{key}"


def tab_recovery() -> dict[str, Any] | None:
    """The recovery of the tab this request came from; none at ``/recover`` without a key (another tab,
    or the next person on the browser)."""
    key = tab_key()
    return seal("recovery").open(request.cookies.get(COOKIE), _context(key)) if key else None


def keep(state: dict[str, Any], answer: BaseResponse | None = None, key: str = "") -> BaseResponse:
    """``state`` sealed into the recovery's cookie, to ``key`` (by default this tab's), on ``answer`` (by
    default the 303 to the tab's page)."""
    key = key or tab_key()
    answer = answer if answer is not None else redirect(_here(key), 303)
    set_cookie(answer, COOKIE, seal("recovery").seal(state, _context(key)), path=PATH, max_age=3600)
    return answer


def _tell(message: str, status: int, **more: Any) -> BaseResponse:
    """The 303 to this tab's page, which says ``message`` once: to this tab alone (a form sent with no
    recovery yet, the username's, draws a new key as the login page does)."""
    key = tab_key()
    if not key:
        return tell_tab(PATH, message, status, one_cookie=True, **more)
    return tell(PATH, message, status, to=_here(key), key=key, one_cookie=True, **more)


def _back(state: dict[str, Any] | None) -> BaseResponse:
    """A form sent at a stage its tab's recovery is not at (sent twice, from an older page): to the tab's
    page as it stands; to ``/recover``, which starts over, when the tab holds none."""
    return redirect(_here(tab_key()) if state else PATH, 303)


def _refused(exc: SlsError) -> BaseResponse:
    """Back to the page, which says why once; a refusal that ends the recovery starts it again."""
    said = "Your verification has expired: start again." if exc.code == "reauth_required" else say(exc)
    answer = _tell(said, exc.status, invalid=exc.status in (400, 401) and exc.code not in ENDS)
    if exc.code in ENDS:
        drop_cookie(answer, COOKIE, path=PATH)
    return answer


#: Views of the verified stage offered the hold before the tab's script has said it keeps it: a reload or two
#: before the script ran keep the form, and a browser without scripts gets it that often, as a form it sends.
HOLD_VIEWS = 3


def _verified(state: dict[str, Any]) -> dict[str, Any]:
    """The verified stage, with a new hold for the tab, not shown yet."""
    return {
        "token": state["token"],
        "stage": "verified",
        "hold": new_key(),
        "views": 0,
        "username": _username(state),
    }


def _offered(state: dict[str, Any]) -> str:
    """The hold this view of the tab's page shows: until the tab has kept it, for :data:`HOLD_VIEWS` views."""
    views = state.get("views")
    if state.get("stage") != "verified" or state.get("kept") or not isinstance(views, int):
        return ""
    return str(state["hold"]) if views < HOLD_VIEWS else ""


def _username(state: dict[str, Any]) -> str:
    """The username this tab's recovery was started with, as typed: the new-password form names the account
    to the browser's password manager with it (a hidden ``autocomplete="username"`` field; without one, a
    manager saves the new password under no account), and the login page it ends on has it typed."""
    name = state.get("username")
    return name if isinstance(name, str) else ""


def _again(state: dict[str, Any], message: str) -> BaseResponse:
    """The tab's own password form refused (it sent the hold): the next view shows the hold again, so the form
    works on in a browser without scripts."""
    return keep({**state, "kept": False, "views": 0}, _tell(message, 400, invalid=True))


@bp.get(PATH)
def recover_page() -> ResponseReturnValue:
    state = tab_recovery() or {}
    said = told_tab(one_cookie=True)
    hold = _offered(state)
    html, status = page(
        "recover.html",
        said.get("status", 200),
        stage=state.get("stage", "start"),
        factor=state.get("factor"),
        message=said.get("message"),
        invalid=said.get("invalid", False),
        factor_name=factor_name,
        card_steps=CARD_VERIFY_STEPS,
        ibkey_steps=IBKEY_VERIFY_STEPS,
        ibkey_reasons=IBKEY_CHALLENGE_REASONS,
        tab=f"?{TOLD}={tab_key()}" if state else "",
        hold=hold,
        kept_url=f"{PATH}/hold?{TOLD}={tab_key()}" if hold else "",
        username=_username(state) if state.get("stage") == "verified" else "",
        code_valid=how_long(core().recovery.code_ttl),  # as the text says it (recovery_codes.recovery_text)
        section="login",
    )
    answer = make_response(html, status)
    return keep({**state, "views": state["views"] + 1}, answer) if hold else answer


@bp.post(PATH)
def recover_start() -> ResponseReturnValue:
    require_browser_token()
    username = request.form.get("username", "").strip()
    if not username:
        return _tell("Enter your username.", 400, invalid=True)
    try:
        started = core().recovery.start(username, now=now(), ip=client_ip())
    except StoreUnavailable:
        raise
    except SlsError as exc:
        return _tell(say(exc), exc.status, invalid=True)
    key = new_key()  # the recovery is this tab's from here on
    state = {"token": started["recovery_token"], "stage": "code", "username": username[:128]}
    return keep(state, redirect(_here(key), 303), key)


@bp.post(PATH + "/code")
def recover_code() -> ResponseReturnValue:
    require_browser_token()
    state = tab_recovery()
    if not state or state.get("stage") != "code":
        return _back(state)
    code = typed("code")
    if not SIX_DIGITS.fullmatch(code):
        return _tell("Enter the 6-digit code we texted to your phone.", 400, invalid=True)
    try:
        step = core().recovery.code(state["token"], code, now=now(), ip=client_ip())
    except StoreUnavailable:
        raise
    except SlsError as exc:
        return _refused(exc)
    return keep({**state, "stage": "factor", "factor": step["factor"]})


@bp.post(PATH + "/verify")
def recover_verify() -> ResponseReturnValue:
    require_browser_token()
    state = tab_recovery()
    if not state or state.get("stage") != "factor":
        return _back(state)
    response = typed("response")
    if not response or len(response) > 64:
        return _tell("Enter the security code.", 400, invalid=True)
    try:
        core().recovery.verify(state["token"], response, now=now(), ip=client_ip())
    except StoreUnavailable:
        raise
    except SlsError as exc:
        return _refused(exc)
    return keep(_verified(state))


@bp.post(PATH + "/challenge")
def recover_challenge_mode() -> ResponseReturnValue:
    """*Use Challenge/Response instead* on the push step: the broker's "IB Key Use Without Notifications",
    as the login page and "verify your identity" offer it."""
    require_browser_token()
    state = tab_recovery()
    if not state or state.get("stage") != "factor":
        return _back(state)
    try:
        switched = core().recovery.challenge_mode(state["token"], now=now(), ip=client_ip())
    except StoreUnavailable:
        raise
    except SlsError as exc:
        return _refused(exc)
    return keep({**state, "factor": switched["factor"]})


@bp.get(PATH + "/status")
@answers_json
def recover_status() -> ResponseReturnValue:
    """What the push step's page polls (``push-wait.js``): once approved, the recovery moves on."""
    state = tab_recovery()
    if not state or state.get("stage") != "factor":
        return jsonify({"state": "ended", "message": "Nothing is waiting for approval: start again."})
    try:
        polled = core().recovery.verify(state["token"], None, now=now(), ip=client_ip())
    except StoreUnavailable:
        raise
    except SlsError as exc:
        return jsonify({"state": "ended", "message": say(exc)})
    if polled["state"] != "verified":
        messages = {"denied": "The request was denied on your phone.", "expired": "The notification expired."}
        return jsonify({"state": polled["state"], "message": messages.get(polled["state"], "")})
    return keep(_verified(state), jsonify({"state": "verified", "next": _here(tab_key())}))


@bp.post(PATH + "/password")
def recover_password() -> ResponseReturnValue:
    require_browser_token()
    state = tab_recovery()
    if not state or state.get("stage") != "verified":
        return _back(state)
    if not secrets.compare_digest(
        request.form.get("hold", "").encode(), str(state.get("hold") or "-").encode()
    ):
        answer = _tell(LEFT, 409)  # the address reopened from the history, not the tab that passed the factor
        drop_cookie(answer, COOKIE, path=PATH)
        return answer
    new = request.form.get("new_password", "")
    if not new:
        return _again(state, "Enter the new password twice.")
    if new != request.form.get("confirm_password", ""):
        return _again(state, "The two new passwords do not match.")
    try:
        core().recovery.set_password(state["token"], new, now=now(), ip=client_ip())
    except StoreUnavailable:
        raise
    except SlsError as exc:
        if exc.code == "weak_password":
            return _again(state, f"Choose another new password. {exc.message}")
        return _refused(exc)
    # to this tab's own login page (``?told=KEY``): that a password was just reset is no one else's to read
    said = "Your password was reset. Log in with the new one."
    done = tell_tab("/", notice=said, one_cookie=True, spare={"username": _username(state)})
    drop_cookie(done, COOKIE, path=PATH)
    return done


@bp.post(PATH + "/again")
def recover_again() -> ResponseReturnValue:
    """Start again from the username (a code that never came, a wrong name)."""
    require_browser_token()
    answer = redirect(PATH, 303)
    drop_cookie(answer, COOKIE, path=PATH)
    return answer
