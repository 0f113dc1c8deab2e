"""The account page after login: who is logged in, the automatic-logoff countdown, the warning before it,
the user's live sessions (this browser's marked), log out, and the logged-off page.

The countdown reads the server's clock (the one ``/admin/v1/clock`` moves): the page polls
``/account/session``, which looks at the session *without* counting as activity, so watching the countdown
never keeps a session alive; "Stay logged in" (``/account/tickle``) does, as any real activity would.
"""

from __future__ import annotations

from typing import Any

from flask import abort, jsonify, redirect, request
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response as BaseResponse

from ...auth.errors import (
    SessionExpired,
    SessionKilled,
    SessionLifetimeEnded,
    SessionReplaced,
    SessionRevoked,
    SessionRotated,
)
from ...auth.session_state import Session
from ...auth.session_tokens import session_id
from ...errors import NotAuthenticated, SlsError, StoreUnavailable
from ...web.wording import duration, factor_name, moment, step_ups_said
from ..common import client_ip, core, drop_session_cookies, named, now, session_cookie
from ..crosssite import form_token, require_form_token
from . import bp
from .kit import answers_json, drop_cookie, page
from .outcome import told_tab
from .said import fields_for_browser, sealed_address, sealed_fields, sealed_for_browser

#: What ``?done=`` may say was done (a banner each): a task, or where a new number's or password's change
#: stands; shown only as :func:`done_page` sealed it for this session, with its ``ref`` (a withdrawal's
#: reference, how many other sessions were logged out).
DONE = (
    "withdrawal",
    "change_contact",
    "change_security",
    "phone_code_sent",
    "phone_code_limited",
    "password_ready",
    "password_changed",
    "ip_allowlist_ready",
    "ip_allowlist_saved",
)
#: Said after a refusal of IP Restrictions whose list typed was not kept (other tabs' refusals waited).
TYPED_CUT = "The addresses you typed were not kept (other tabs were told at once): type them again."
#: Seconds before automatic logoff at which the page warns (and offers to stay logged in).
WARN_BEFORE_S = 120
#: The causes of a kill the logged-off page names (``auth.session_endings.KILLED_WORDS``); any other, "ended".
KILLED_PAGES = {"killed", "password_reset", "ended_by_user", "ip_restricted"}
#: What ``/logged-out?reason=`` may say ended the session; shown only as :func:`logged_out_page` sealed it for
#: this browser (``said``), else the plain "You have logged out".
REASONS = {"logout", "idle", "absolute", "replaced", "revoked", "ended", *KILLED_PAGES}
#: The task waiting for a step-up ("verify your identity", ``stepup``): its sealed cookie and the one path
#: it is sent to. Here because logging out drops it with the session cookie.
VERIFY_COOKIE = "sls_page_verify"
VERIFY_PATH = "/account/verify"
#: The order the step-up tasks were started in, and those replaced lately (``verify_tasks``), and the path
#: it is sent to: the account page's forms that start a task carry it, so each bounds them.
TASKS_COOKIE = "sls_page_tasks"
TASKS_PATH = "/account"
#: What the countdown's polls answer a token a step-up retired (a second tab's poll sent while the first
#: tab's step-up rotated the session): the session lives on, so not "ended" (``SessionRotated`` is a
#: ``SessionReplaced``, which would say a newer login ended it). The page opens the account page again: that
#: request carries the browser's cookie as it is now (the new token, or the login page for a browser that
#: never got it), and the reloaded page's forms are bound to the new session, as the old page's are not.
ROTATED = {"state": "rotated", "next": "/account"}


def done_page(session: Session, done: str, ref: object = "") -> str:
    """The account page saying ``done`` (one of :data:`DONE`), and ``ref``, to ``session`` alone
    (``said``): a link anyone wrote makes it say nothing."""
    return sealed_address("/account", session.id, done=done, ref=str(ref))


def current_session(*, extend: bool) -> Session:
    return named(core().sessions.authenticate(session_cookie(), now=now(), ip=client_ip(), extend=extend))


def page_session(*, extend: bool) -> Session:
    """The session of a page's request; a browser without a live one is sent where :func:`gone` says (the
    answer raised, so a view reads on as if logged in), the dead session's cookie cleared (:func:`forgotten`).
    An outage is raised as it is: it is not a logout (``kit._unavailable`` answers it)."""
    try:
        return current_session(extend=extend)
    except StoreUnavailable:
        raise
    except SlsError as exc:
        abort(forgotten(gone(exc), exc))


def forgotten(answer: BaseResponse, exc: SlsError) -> BaseResponse:
    """``answer`` to a request whose cookie's session is dead (``exc`` says why: expired on the server's
    clock, logged out elsewhere, ended by an administrator or a password change, or just ended by this
    request from an address the IP allowlist refuses), clearing that cookie as a logout does: kept, it
    names a session nothing can use, and every page would read it again. Not a cookie a step-up retired:
    the session lives on under a new token, which the browser already holds under the same name, and an
    expiry of the name would clear that one. A request with no session cookie has no session cookie to
    clear, but a verify page is still sent its tasks' cookies (``dropped``).

    The countdown's polls (``/account/session``, ``/account/tickle``) clear nothing: another tab of the same
    browser polls with the same cookie, and is told why the session ended (idle, a newer login, an
    administrator) only while it still sends it; the next page the browser opens clears it."""
    cookie = session_cookie()
    if isinstance(exc, SessionRotated):
        return answer
    return dropped(answer, None if cookie is None else session_id(cookie))


def fresh_step_ups(session: Session) -> list[str]:
    """The purposes a step-up verified recently enough to count now (the account page's "Identity verified
    for" line, which the page redraws from each poll as the clock moves)."""
    at = now()
    return sorted(purpose for purpose, until in session.verified.items() if until > at)


def session_body(session: Session) -> dict[str, Any]:
    at = now()
    return {
        "state": "active",
        "username": session.username,
        "idle_expires_in": max(session.idle_expires_at - at, 0),
        "expires_in": max(session.expires_at - at, 0),
        "warn_before": WARN_BEFORE_S,
        "verified": fresh_step_ups(session),
        "verified_said": step_ups_said(fresh_step_ups(session)),
    }


def logged_out_page(reason: str) -> str:
    """The logged-off page saying ``reason`` (one of :data:`REASONS`) ended the session, to this browser
    alone (``said``): a link anyone wrote makes it say only "You have logged out"."""
    return sealed_for_browser("/logged-out", reason=reason)


def expired_page(exc: SessionExpired) -> str:
    """The logged-off page for an automatic logoff: inactivity, or the absolute lifetime (which the server
    checks first, so a session whose idle end was capped at its lifetime's is told the lifetime ended it)."""
    return logged_out_page("absolute" if isinstance(exc, SessionLifetimeEnded) else "idle")


def ended_page(exc: SlsError) -> str:
    """The logged-off page for a session that ended otherwise. Every request with the token is told why while
    its tombstone lasts (a newer login, a disabled account, an administrator: ``auth.session_endings``), a
    second tab's as the first; a logged-out one, or one past its tombstone, finds no session at all, and the
    page must not guess a cause (it used to say "you logged in elsewhere" after a plain idle logoff)."""
    if isinstance(exc, SessionExpired):
        return expired_page(exc)
    if isinstance(exc, SessionReplaced):
        return logged_out_page("replaced")
    if isinstance(exc, SessionRevoked):
        return logged_out_page("revoked")
    if isinstance(exc, SessionKilled) and exc.why in KILLED_PAGES:
        return logged_out_page(exc.why)
    return logged_out_page("ended")


def gone(exc: SlsError) -> BaseResponse:
    """Where a browser without a live session goes: the logged-off page, or the login page. A cookie a
    step-up retired did not end the session (the browser holds the new one): no logged-off page names it."""
    if (
        isinstance(exc, NotAuthenticated)
        and exc.code != "not_authenticated"
        and not isinstance(exc, SessionRotated)
    ):
        return redirect(ended_page(exc), 303)
    return redirect("/", 303)


@bp.get("/account")
def account_page() -> ResponseReturnValue:
    session = page_session(extend=True)
    # What a redirect said was done for this session (under its token now, or one a step-up rotated it from),
    # never what a link wrote: its banner states a fact in the broker's own page.
    said_done = sealed_fields((session.id, *session.retired), "done", "ref")
    done, ref = said_done.get("done"), said_done.get("ref", "")
    own = core().tasks.sessions(session, now=now())
    said = told_tab()  # this tab's own form's refusal (``?told=KEY``), never another tab's
    message = said.get("message")
    if message and "ip_typed" in said.get("cut", []):  # too many refusals waited at once (``outcome``)
        message += " " + TYPED_CUT
    return page(
        "account.html",
        said.get("status", 200),
        csrf_token=form_token(),
        message=message,
        invalid=said.get("invalid", False),
        ip_typed=said.get("ip_typed"),  # a refused IP Restrictions list, kept to be mended
        phone_pending=core().tasks.pending_phone(session, now=now()),
        ip=core().tasks.ip_restrictions(session, ip=client_ip()),
        session=session,
        body=session_body(session),
        factor_name=factor_name,
        idle=duration(core().settings.idle_timeout),  # as the logged-out page says it
        absolute=duration(core().settings.absolute_timeout),
        verified=fresh_step_ups(session),
        verified_said=step_ups_said(fresh_step_ups(session)),
        done=done if done in DONE else None,
        ref=ref,
        own_sessions=own,
        others=sum(1 for s in own if not s["current"]),
        moment=moment,
        section="account",
    )


@bp.get("/account/session")
@answers_json
def account_session() -> ResponseReturnValue:
    try:
        return jsonify(session_body(current_session(extend=False)))
    except SessionExpired as exc:
        return jsonify({"state": "expired", "next": expired_page(exc)})
    except StoreUnavailable:
        raise  # 503: the page keeps counting down and asks again, it does not log the user out
    except SessionRotated:
        return jsonify(ROTATED)
    except SlsError as exc:
        return jsonify({"state": "ended", "next": ended_page(exc)})


@bp.post("/account/tickle")
@answers_json
def account_tickle() -> ResponseReturnValue:
    """ "Stay logged in": activity, as any request in a session is."""
    require_form_token()  # a bad form token is its own 403, never taken for a logout
    try:
        return jsonify(session_body(current_session(extend=True)))
    except SessionExpired as exc:
        return jsonify({"state": "expired", "next": expired_page(exc)})
    except StoreUnavailable:
        raise
    except SessionRotated:
        return jsonify(ROTATED)  # extended nothing: the retired token names no live session
    except SlsError as exc:
        return jsonify({"state": "ended", "next": ended_page(exc), "error": exc.code})


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    require_form_token()  # a bad form token is its own 403, never taken for a logout
    # From an address the user's IP allowlist refuses the session is ended all the same (``auth.sessions``)
    # and the browser sent where any page from there sends it, its cookie cleared (``page_session``).
    session = page_session(extend=False)
    core().sessions.end(session.id, now=now())
    return dropped(redirect(logged_out_page("logout"), 303), session.id)


def dropped(answer: BaseResponse, ended: str | None) -> BaseResponse:
    """``answer`` clearing what a browser keeps of the ended session: its session cookie (only one that holds
    that session's token, ``drop_session_cookies``) and the tasks waiting for a step-up this request carries
    (one cookie per task, and their order's, ``verify_tasks``; only the verify pages are sent them), which
    end with the session that asked for them. Those it does not carry are refused all the same: each is
    sealed to its session, and lapses with its ``Max-Age``."""
    if ended is not None:
        drop_session_cookies(answer, ended)
    for name in request.cookies:
        if name.startswith(VERIFY_COOKIE + "_"):
            drop_cookie(answer, name, path=VERIFY_PATH)
        elif name == TASKS_COOKIE:
            drop_cookie(answer, name, path=TASKS_PATH)
    return answer


@bp.get("/logged-out")
def logged_out() -> ResponseReturnValue:
    reason = fields_for_browser("reason").get("reason", "logout")  # what this browser was told, not a link
    settings = core().settings
    response = page(
        "logged_out.html",
        reason=reason if reason in REASONS else "logout",
        idle=duration(settings.idle_timeout),
        absolute=duration(settings.absolute_timeout),
        section="login",
    )
    return response
