"""The tasks waiting on the account page for their step-up (``stepup``): one per tab, each with a random id
in its verify page's address (``/account/verify?task=ID``) and its forms, and a cookie of its own
(``sls_page_verify_ID``, scoped to ``/account/verify``), sealed to the session's token id and the task's id.

One cookie per browser let two tabs' tasks overwrite each other (one tab's response completed the other's
task), and sealing to the token id alone lost a tab's task when another tab's step-up rotated the token. A
task sealed to a token the session was rotated from (``SessionRecord.retired``: the server's own record,
never the client's word) is still this session's, as its step is (``StepUpService._own``); one of another
session, forged, or moved to another task's name opens nothing.

At most :data:`MAX_TASKS` wait at once: a form that starts one drops the oldest beyond them, and so does a
task's page, shown. Their order, and the ids of those replaced lately (so a tab still on one says so, not
"completed, or expired"), wait in one more cookie (``sls_page_tasks``, sealed as the tasks are), scoped to
``/account``: the forms that start a task are sent it (a task's cookie is not), so a task started in a tab
that never showed its page (closed as it redirected) is counted all the same, and the Cookie header of a
verify page stays within the 8 KB servers take (``tests/api/test_verify_cookie_bound.py``).
"""

from __future__ import annotations

from typing import Any

from flask import redirect, request
from werkzeug.wrappers import Response as BaseResponse

from ...auth.session_state import Session
from ..common import core
from .account import TASKS_COOKIE, TASKS_PATH, VERIFY_COOKIE, VERIFY_PATH
from .kit import drop_cookie, seal, set_cookie
from .outcome import KEY as TASK_ID  # a task's id keys its outcomes too: anything else names no task

#: The most tasks a browser keeps waiting for verification at once (starting one more replaces the oldest).
#: Each is a cookie of about 370 bytes sent with every request to ``/account/verify``, and one left waiting
#: lives three challenge lifetimes, so a few dozen abandoned in minutes grew the Cookie header toward the
#: 8 KB servers take (gunicorn's and nginx's default); eight (under 4 KB) is more tabs than a person verifies
#: in at once.
MAX_TASKS = 8


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


def _max_age() -> int:
    """How long a task's cookie (and their order's) lives in the browser: three challenge lifetimes."""
    return 3 * core().settings.challenge_ttl


def keep(session: Session, state: dict[str, Any], tid: str) -> BaseResponse:
    """To the verify page of task ``tid``, its task and prompt sealed in its cookie (to the token now); a new
    task counted in their order, the oldest beyond :data:`MAX_TASKS` dropped (its page may never be shown)."""
    answer = redirect(task_page(tid), 303)
    sealed = seal("verify").seal(state, _context(session.id, tid))
    set_cookie(answer, task_cookie(tid), sealed, path=VERIFY_PATH, max_age=_max_age())
    started, gone = _order(session)
    if tid not in started:
        _keep_order(answer, session, [*started, tid], gone, keep=tid)
    return answer


def _keep_order(
    answer: BaseResponse,
    session: Session,
    ordered: list[str],
    gone: list[str],
    keep: str,
    finished: list[list[str]] | None = None,
) -> None:
    """``answer`` dropping the oldest of the ``ordered`` tasks beyond :data:`MAX_TASKS` (never ``keep``), and
    setting their order, the ids replaced lately and the tasks done lately (``finished``: those the cookie
    holds, unless given)."""
    dropped = [tid for tid in ordered if tid != keep][: max(0, len(ordered) - MAX_TASKS)]
    for tid in dropped:
        drop_cookie(answer, task_cookie(tid), path=VERIFY_PATH)
    order = {
        "live": [t for t in ordered if t not in dropped],
        "replaced": (gone + dropped)[-MAX_TASKS:],
        "finished": (_finished(session) if finished is None else finished)[-MAX_TASKS:],
    }
    sealed = seal("verify").seal(order, _context(session.id, "order"))
    set_cookie(answer, TASKS_COOKIE, sealed, path=TASKS_PATH, max_age=_max_age())


def _open(session: Session, sealed: str | None, tid: str) -> dict[str, Any] | None:
    """``sealed`` opened as this session's (under its token now or one a step-up rotated it from)."""
    for sid in (session.id, *reversed(session.retired)):
        state = seal("verify").open(sealed, _context(sid, tid))
        if state:
            return state
    return None


def pending(session: Session, tid: str | None = None) -> dict[str, Any] | None:
    """This request's task (or task ``tid``), sealed to this session under its token now or one a step-up
    (another tab's) rotated it from; None for no task, another session's, a forged or stale cookie."""
    tid = task_id() if tid is None else tid
    sealed = request.cookies.get(task_cookie(tid)) if tid else None
    return _open(session, sealed, tid) if sealed else None


def _order(session: Session) -> tuple[list[str], list[str]]:
    """The live tasks in the order they were started, and the tasks replaced lately (``TASKS_COOKIE``)."""
    said = _open(session, request.cookies.get(TASKS_COOKIE), "order") or {}
    live, replaced = said.get("live"), said.get("replaced")
    return (live if isinstance(live, list) else []), (replaced if isinstance(replaced, list) else [])


def _finished(session: Session) -> list[list[str]]:
    """The tasks done lately, each ``[id, what was done]`` (``TASKS_COOKIE``)."""
    said = _open(session, request.cookies.get(TASKS_COOKIE), "order") or {}
    kept = said.get("finished")
    ok = isinstance(kept, list) and all(isinstance(f, list) and len(f) == 2 for f in kept)
    return kept if ok and isinstance(kept, list) else []


def done_already(session: Session) -> str | None:
    """What this request's task did, when it was done lately (its page opened again: Back after it), else
    None: it expired, was replaced, or is no task of this browser's."""
    tid = task_id()
    return next((str(what) for done_id, what in _finished(session) if tid and done_id == tid), None)


def replaced(session: Session) -> bool:
    """Whether this request's task was dropped for newer ones (rather than completed, or expired)."""
    return bool(task_id()) and task_id() in _order(session)[1]


def forget_others(answer: BaseResponse, session: Session) -> BaseResponse:
    """``answer`` (this task's page) dropping the cookies of tasks no tab can complete (an earlier session's,
    forged, of a bad name), and of the oldest live ones beyond :data:`MAX_TASKS`, never this page's own, so
    a browser's tasks do not pile up; the other tabs' live ones stay."""
    prefix = VERIFY_COOKIE + "_"
    live = []
    for name in request.cookies:
        tid = name.removeprefix(prefix)
        if not name.startswith(prefix):
            continue
        if TASK_ID.fullmatch(tid) and pending(session, tid) is not None:
            live.append(tid)
        elif tid != task_id():
            drop_cookie(answer, name, path=VERIFY_PATH)
    started, gone = _order(session)
    known = [tid for tid in started if tid in live]
    new = [tid for tid in live if tid not in known]
    ordered = known + sorted(new, key=lambda tid: tid == task_id())  # a page shown the first time: the newest
    _keep_order(answer, session, ordered, gone, keep=task_id())
    return answer


def done(answer: BaseResponse) -> BaseResponse:
    """``answer`` dropping this task's cookie: its step is spent."""
    drop_cookie(answer, task_cookie(task_id()), path=VERIFY_PATH)
    return answer


def completed(answer: BaseResponse, session: Session, what: str) -> BaseResponse:
    """``answer`` dropping this task's cookie, its task carried out (``what``, as its verify page named it):
    remembered among the tasks done lately, so its page opened again (Back from the account page) says it
    was done, where "nothing was done ... start it again" had a user make a withdrawal twice."""
    started, gone = _order(session)
    tid = task_id()
    finished = [f for f in _finished(session) if f[0] != tid] + [[tid, what]]
    _keep_order(answer, session, [t for t in started if t != tid], gone, keep="", finished=finished)
    return done(answer)
