"""The tasks waiting on the account page for their step-up (``stepup``): one per tab, each with a random id
in its verify page's address (``/account/verify?task=ID``) and its forms, and a cookie of its own
(``sls_page_verify_ID``, scoped to ``/account/verify``), sealed to the session's token id and the task's id.

One cookie per browser let two tabs' tasks overwrite each other (one tab's response completed the other's
task), and sealing to the token id alone lost a tab's task when another tab's step-up rotated the token. A
task sealed to a token the session was rotated from (``SessionRecord.retired``: the server's own record,
never the client's word) is still this session's, as its step is (``StepUpService._own``); one of another
session, forged, or moved to another task's name opens nothing.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from flask import redirect, request
from werkzeug.wrappers import Response as BaseResponse

from ...auth.session_state import Session
from ..common import core
from .account import VERIFY_COOKIE, VERIFY_PATH
from .kit import drop_cookie, seal, set_cookie

#: A task's id as :func:`new_task_id` draws it: anything else names no task.
TASK_ID = re.compile(r"^[A-Za-z0-9_-]{12}$")


def new_task_id() -> str:
    """A new task's id: random (72 bits), so a tab never lands on another's task by chance."""
    return secrets.token_urlsafe(9)


def task_id() -> str:
    """The task this request is about: its verify page's ``task`` (in the address, or the form's field)."""
    tid = request.args.get("task") or request.form.get("task") or ""
    return tid if TASK_ID.fullmatch(tid) else ""


def task_cookie(tid: str) -> str:
    return f"{VERIFY_COOKIE}_{tid}"


def task_page(tid: str) -> str:
    """The verify page of task ``tid``."""
    return f"{VERIFY_PATH}?task={tid}"


def _context(session_id: str, tid: str) -> str:
    """What a pending task is sealed to: the session (a token's id), not the user, whose next session must not
    find a task asked for in this one; and the task's id, so a cookie never answers for another task."""
    return f"verify:{session_id}:{tid}"


def keep(session: Session, state: dict[str, Any], tid: str) -> BaseResponse:
    """To the verify page of task ``tid``, its task and prompt sealed in its cookie (to the token now)."""
    answer = redirect(task_page(tid), 303)
    sealed = seal("verify").seal(state, _context(session.id, tid))
    set_cookie(answer, task_cookie(tid), sealed, path=VERIFY_PATH, max_age=3 * core().settings.challenge_ttl)
    return answer


def pending(session: Session, tid: str | None = None) -> dict[str, Any] | None:
    """This request's task (or task ``tid``), sealed to this session under its token now or one a step-up
    (another tab's) rotated it from; None for no task, another session's, a forged or stale cookie."""
    tid = task_id() if tid is None else tid
    sealed = request.cookies.get(task_cookie(tid)) if tid else None
    if not sealed:
        return None
    for sid in (session.id, *reversed(session.retired)):
        state = seal("verify").open(sealed, _context(sid, tid))
        if state:
            return state
    return None


def forget_others(answer: BaseResponse, session: Session) -> BaseResponse:
    """``answer`` dropping the cookies of tasks no tab can complete (an earlier session's, forged, of a bad
    name), so a browser's tasks do not pile up; the other tabs' live ones stay."""
    prefix = VERIFY_COOKIE + "_"
    for name in request.cookies:
        tid = name.removeprefix(prefix)
        if not name.startswith(prefix) or tid == task_id():
            continue
        if not TASK_ID.fullmatch(tid) or pending(session, tid) is None:
            drop_cookie(answer, name, path=VERIFY_PATH)
    return answer


def done(answer: BaseResponse) -> BaseResponse:
    """``answer`` dropping this task's cookie: its step is spent."""
    drop_cookie(answer, task_cookie(task_id()), path=VERIFY_PATH)
    return answer
