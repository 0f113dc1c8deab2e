"""``/trainer`` sessions: end every live session of a user, or the one a trainer picks from the user's
panel (the phished session, say, while the user's own stays). Each as ``DELETE /admin/v1/sessions/<id>``
ends one (:func:`..admin.users.end_session`, the admin route's own), behind the console's sign-in and CSRF
token (:func:`.trainer.action`)."""

from __future__ import annotations

from typing import Any

from flask.typing import ResponseReturnValue

from ..admin.users import end_session
from ..common import core, now
from . import bp
from .kit import answers_json
from .trainer import action


@bp.post("/trainer/users/<username>/sessions/end")
@answers_json
def trainer_end_sessions(username: str) -> ResponseReturnValue:
    """Every live session of the user ended, one by one (the admin API has no route for all at once;
    ``sls sessions end`` ends them one by one too). ``sessions_ended`` is a count, as the admin's reset's
    is; only the user's own password change lists ids."""

    def end(_: dict[str, Any]) -> dict[str, Any]:
        name = core().users.get(username).username
        return {"username": name, "sessions_ended": len(core().sessions.end_all(name, now=now()))}

    return action(end)


@bp.post("/trainer/sessions/<session_id>/end")
@answers_json
def trainer_end_session(session_id: str) -> ResponseReturnValue:
    """``DELETE /admin/v1/sessions/<id>``: that session's token is dead at once, the user's others live on.
    An id naming no live session (ended meanwhile, or never one) is the admin route's 404
    ``unknown_session``, and nothing changes."""
    return action(lambda _: end_session(session_id))
