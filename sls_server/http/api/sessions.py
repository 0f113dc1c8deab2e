"""``/api/v1/sessions``: the caller's own live sessions, and ending the others (ASVS 7.5.2).

Seeing them needs the session only; ending one, or all the others, a fresh ``change_security`` step-up
(``POST /api/v1/verify``), checked by the core task (``auth.tasks``) as for every sensitive task.
"""

from __future__ import annotations

from flask.typing import ResponseReturnValue

from ...auth.errors import ReauthRequired, UnknownSession
from ...shapes.sessions import OwnSessionList, OwnSessionsEnded
from ..common import caller_session, client_ip, core, now
from ..operations import operation
from . import bp

SESSION_ID = (
    "One of the caller's own sessions: its `id` from `GET /api/v1/sessions` (`<username>~<sha256 of the "
    "token>`), or `<username>~` and the 12-digit `session_id` an audit event shows (any unique prefix of 12 "
    "digits or more)."
)


@operation(
    bp,
    "get",
    "/sessions",
    summary="List your own live sessions",
    ok=OwnSessionList,
    returns="Your live sessions, this one marked `current`; never a token.",
    security="session",
    links={"end_own_session": {"session_id": "response.sessions/0/id"}},
)
def list_own_sessions() -> ResponseReturnValue:
    """Every live session of the caller's user, as the admin's list shows it, the asking one `current:
    true`. Under SLS_SESSION_CONCURRENCY=replace (the default) or refuse that is only the caller's; with
    `allow` each login keeps its own. Counts as activity."""
    return {"sessions": core().tasks.sessions(caller_session(), now=now())}


@operation(
    bp,
    "delete",
    "/sessions/<session_id>",
    summary="End one of your other sessions (needs a fresh step-up)",
    ok=OwnSessionsEnded,
    returns="Ended; its token is dead at once.",
    security="session",
    parameters={"session_id": SESSION_ID},
    errors=(ReauthRequired, UnknownSession),
)
def end_own_session(session_id: str) -> ResponseReturnValue:
    """401 `reauth_required` without a fresh `change_security` verification. 404 `unknown_session` for an id
    that is no live session of the caller's user (another user's is the same 404, and lives on); 400
    `invalid_request` (`field: session_id`) for what is no session id at all, or for the caller's own session
    (`POST /api/v1/auth/logout` ends that). Recorded as `session.ended_by_user`."""
    ended = core().tasks.end_session(caller_session(), session_id, now=now(), ip=client_ip())
    return {"ended": ended}


@operation(
    bp,
    "post",
    "/sessions/end-others",
    summary="End all your other sessions (needs a fresh step-up)",
    ok=OwnSessionsEnded,
    returns="Every other session ended at once; this one lives on.",
    security="session",
    errors=(ReauthRequired,),
)
def end_other_sessions() -> ResponseReturnValue:
    """ "Log out everywhere else": 401 `reauth_required` without a fresh `change_security` verification.
    Each one ended is recorded as `session.ended_by_user`; `ended` is empty when there were none."""
    return {"ended": core().tasks.end_other_sessions(caller_session(), now=now(), ip=client_ip())}
