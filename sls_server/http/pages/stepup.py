"""Step-up on the account page ("verify your identity"): a withdrawal, a new phone number, a new password and
logging out the other sessions each need a fresh second factor, through ``core().stepup`` exactly as
``/api/v1/verify`` does.

The task (``account_tasks``) waits, sealed in a cookie of its own (``sls_page_verify_<task id>``, scoped to
``/account/verify``, sealed to the session's id and the task's id: a task left waiting at a logout is not
offered again in the user's next session, which never asked for it), while the user types their username and
password (the broker's first step) and then answers the challenge or approves the push; once verified the
session token is rotated (a new cookie), the task runs, and the account page says so. The task is checked
before the step-up starts, so a typo never costs the user a challenge.

**Tabs.** Each task has a random id, in its verify page's address (``/account/verify?task=ID``), and its own
cookie (``verify_tasks``): two tabs' tasks never overwrite each other, a response completes the task of the
page it was typed on and only that one, and a task survives another tab's step-up.

Every form here answers 303 to a GET (``outcome``): a wrong password or code to the verify page, a step-up
that cannot go on (or a task typed wrong) to ``/account/problem``; so a reload or Back never sends a
password or a code again.
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, make_response, redirect, request
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response as BaseResponse

from ...auth.errors import ReauthRequired
from ...auth.session_state import Session
from ...errors import SlsError, StoreUnavailable
from ...web.wording import (
    CARD_VERIFY_STEPS,
    IBKEY_CHALLENGE_REASONS,
    IBKEY_VERIFY_STEPS,
    factor_name,
    verification_ended,
)
from ..common import client_ip, core, named, now
from ..crosssite import form_token, require_form_token
from . import bp
from .account import VERIFY_PATH, current_session, page_session
from .account_tasks import run_task, task_from_form, task_title, what_was_asked
from .kit import answers_json, page, say, set_session_cookie, typed
from .outcome import new_key, tell, told
from .step_ends import ends_step
from .verify_tasks import (
    MAX_TASKS,
    completed,
    done,
    done_already,
    forget_others,
    keep,
    pending,
    replaced,
    task_id,
    task_page,
)

#: "We could not do that": what a task's form or its step-up was refused for, with the way back.
PROBLEM_PATH = "/account/problem"


def _problem(message: str, status: int, already: bool = False) -> BaseResponse:
    """To the problem page of this request's task (``/account/problem?task=ID``; a form refused before its
    task began: the id it would have had), which says why once, in an outcome keyed by that id, so two tabs
    refused at once are each told their own; whatever waits for a step-up is left as it is. ``already``: no
    refusal, the task was done (its page opened again), which the page says as such."""
    tid = task_id() or new_key()
    to = f"{PROBLEM_PATH}?task={tid}"
    if already:
        return tell(PROBLEM_PATH, message, status, to=to, key=tid, already=True)
    return tell(PROBLEM_PATH, message, status, to=to, key=tid)


def _ended(exc: SlsError) -> BaseResponse:
    """The step-up is spent (the form would only be told it expired): the task starts again."""
    said = verification_ended(exc.code, exc.message, exc.extra, kind=type(exc).__name__)
    ended = _problem(said, exc.status)
    return done(ended)


@bp.get(PROBLEM_PATH)
def account_problem() -> ResponseReturnValue:
    """What this tab's task (its form or its step-up) was refused for, once; then the account page."""
    page_session(extend=True)
    said = told(task_id()) if task_id() else {}
    if not said.get("message"):
        return redirect("/account", 303)
    return page(
        "account_problem.html",
        said.get("status", 400),
        csrf_token=form_token(),
        message=said["message"],
        already=bool(said.get("already")),
        section="account",
    )


def _begin(kind: str) -> ResponseReturnValue:
    require_form_token()  # a bad form token is its own 403, never taken for a logout
    session = page_session(extend=True)
    task, problem = task_from_form(kind, session)
    if task is None:
        return _problem(problem or "Check the form and try again.", 400)
    if session.verified.get(task["purpose"], 0) > now():
        try:
            return redirect(run_task(session, task), 303)
        except ReauthRequired:  # a withdrawal's step-up spent by another one since it was read: verify again
            pass
    return keep(session, {"task": task}, new_key())


def _confirm(session: Session, state: dict[str, Any]) -> ResponseReturnValue:
    """Step 1 of the broker's "verify your identity": the username and password; then the challenge."""
    username = request.form.get("username", "")
    password = request.form.get("password", "")
    if not username.strip() or not password:
        return _refuse("Enter your username and password.", 400, invalid=True, username=username)
    task = state["task"]
    try:
        core().stepup.confirm_password(session, username, password, now=now(), ip=client_ip())
        opened = core().stepup.begin(
            session, task["purpose"], now=now(), ip=client_ip(), type_=None, device_id=None
        )
    except StoreUnavailable:
        raise
    except SlsError as exc:
        return _refuse(say(exc), exc.status, invalid=exc.status == 401, username=username)
    state = {"txn_id": opened["txn_id"], "factor": opened["factor"], "task": task}
    return keep(session, state, task_id())


@bp.post("/account/withdrawal")
def account_withdrawal() -> ResponseReturnValue:
    return _begin("withdrawal")


@bp.post("/account/phone")
def account_phone() -> ResponseReturnValue:
    return _begin("change_contact")


@bp.post("/account/password")
def account_password() -> ResponseReturnValue:
    return _begin("password")


@bp.post("/account/ip-allowlist")
def account_ip_allowlist() -> ResponseReturnValue:
    return _begin("ip_allowlist")


@bp.post("/account/sessions/end-others")
def account_end_other_sessions() -> ResponseReturnValue:
    return _begin("end_other_sessions")


def _refuse(message: str, status: int, invalid: bool = False, username: str = "") -> BaseResponse:
    """Back to the verify page, which says why once (to this task's page only: its own outcome cookie);
    `username`: kept typed (never the password)."""
    tid = task_id()
    kept = {"username": username[:128]}  # cut first when other tabs' refusals wait (``outcome``)
    return tell(VERIFY_PATH, message, status, to=task_page(tid), key=tid, invalid=invalid, spare=kept)


def _verify_page(
    state: dict[str, Any],
    message: str | None = None,
    status: int = 200,
    invalid: bool = False,
    username: str = "",
) -> ResponseReturnValue:
    """The username and password, or once they were right the step-up's prompt; `invalid`: the message is
    about what was typed, and the field says so."""
    return page(
        "verify.html",
        status,
        csrf_token=form_token(),
        factor=state.get("factor"),
        task=state["task"],
        title=task_title(state["task"]),
        factor_name=factor_name,
        card_steps=CARD_VERIFY_STEPS,
        ibkey_steps=IBKEY_VERIFY_STEPS,
        ibkey_reasons=IBKEY_CHALLENGE_REASONS,
        message=message,
        invalid=invalid,
        username=username[:128],  # kept after a wrong password, as the login page keeps it
        section="account",
        tid=task_id(),
    )


#: A task page's task dropped for newer ones (``verify_tasks.MAX_TASKS``).
REPLACED = (
    f"Nothing was done: this task was replaced by newer ones (at most {MAX_TASKS} wait for verification at"
    " once)."
)


def _gone(session: Session) -> BaseResponse:
    """A page's task found waiting no more (spent, expired, replaced by newer ones, its session over, or
    another browser's): said plainly, rather than an account page that silently forgets what the user asked
    for."""
    if not task_id():
        return redirect("/account", 303)
    what = done_already(session)
    if what is not None:
        said = f"This was already done: {what}. Going back does not do it again."
        return _problem(said, 200, already=True)
    said = (
        "Nothing was done: this task is no longer waiting for verification (it was completed, or it expired)."
    )
    said = REPLACED if replaced(session) else said
    return done(_problem(said + " Start it again from your account page if you still need it.", 410))


def _verified(state: dict[str, Any], token: str) -> tuple[Response, str]:
    session = named(core().sessions.authenticate(token, now=now(), ip=client_ip()))
    target = run_task(session, state["task"])
    return jsonify({"state": "verified", "next": target}), target


@bp.get(VERIFY_PATH)
def verify_page() -> ResponseReturnValue:
    session = page_session(extend=True)
    state = pending(session)
    if not state:
        return _gone(session)
    said = told(task_id())
    shown = _verify_page(
        state,
        said.get("message"),
        said.get("status", 200),
        invalid=said.get("invalid", False),
        username=said.get("username", ""),
    )
    return forget_others(make_response(shown), session)


@bp.post(VERIFY_PATH)
def verify_submit() -> ResponseReturnValue:
    require_form_token()  # a bad form token is its own 403, never taken for a logout
    session = page_session(extend=True)
    state = pending(session)
    if not state:
        return _gone(session)
    if "txn_id" not in state:
        return _confirm(session, state)
    response = typed("response")
    if not response or len(response) > 64:
        return _refuse("Enter the security code.", 400, invalid=True)
    try:
        _, token = core().stepup.complete(session, state["txn_id"], response, now=now(), ip=client_ip())
    except StoreUnavailable:
        raise
    except SlsError as exc:
        if ends_step(exc):
            return _ended(exc)
        return _refuse(say(exc), exc.status, invalid=exc.status == 401)
    assert token is not None  # a typed response either verifies or raises
    _, target = _verified(state, token)
    answer = redirect(target, 303)
    set_session_cookie(answer, token)
    return completed(answer, session, what_was_asked(state["task"]))


@bp.post(VERIFY_PATH + "/challenge")
def verify_challenge_mode() -> ResponseReturnValue:
    """ "Not receiving notifications? Use Challenge/Response instead": the broker's verify-your-identity
    procedure for IB Key (a Challenge Code for the app, a passcode field here) in place of the push."""
    require_form_token()  # a bad form token is its own 403, never taken for a logout
    session = page_session(extend=True)
    state = pending(session)
    if not state or "txn_id" not in state:
        return redirect("/account" if not state else task_page(task_id()), 303)
    try:
        switched = core().stepup.challenge_mode(session, state["txn_id"], now=now(), ip=client_ip())
    except StoreUnavailable:
        raise
    except SlsError as exc:
        if ends_step(exc):
            return _ended(exc)
        return _refuse(say(exc), exc.status)
    return keep(session, {**state, "factor": switched["factor"]}, task_id())


@bp.get(VERIFY_PATH + "/status")
@answers_json
def verify_status() -> ResponseReturnValue:
    """What the waiting page polls while the user approves the step-up's push (an outage: 503, and the page
    polls on)."""
    try:
        session = current_session(extend=False)
    except StoreUnavailable:
        raise
    except SlsError:
        return jsonify({"state": "ended", "message": "Your session has ended. Please log in again."})
    state = pending(session)
    if not state or "txn_id" not in state:
        said = REPLACED if replaced(session) else "Nothing is waiting for verification."
        return jsonify({"state": "ended", "message": said})
    try:
        body, token = core().stepup.complete(session, state["txn_id"], None, now=now(), ip=client_ip())
    except StoreUnavailable:
        raise
    except SlsError as exc:
        return jsonify({"state": "ended", "message": say(exc)})
    if token is None:
        messages = {"denied": "The request was denied on your phone.", "expired": "The notification expired."}
        said = messages.get(body["state"], "")
        if body.get("reason") == "too_many_wrong_responses":  # number matching: "expired" would misstate it
            said = "The number selected on your phone was not this one, so this verification has ended."
        return jsonify({"state": body["state"], "message": said})
    answer, _ = _verified(state, token)
    set_session_cookie(answer, token)
    return completed(answer, session, what_was_asked(state["task"]))
