"""An administrator's new password for a user (Client Services resetting a forgotten one): the password, and
the user's sessions ended with it, since whoever held one may be why it was reset. The admin API, the trainer
console and ``sls user password`` all call this, so none of them forgets the sessions.
"""

from __future__ import annotations

from typing import Any

from ..accounts.users import UserService
from .sessions import SessionService


class PasswordResets:
    def __init__(self, users: UserService, sessions: SessionService) -> None:
        self._users = users
        self._sessions = sessions

    def reset(self, username: str, password: str, *, end_sessions: bool, now: int) -> dict[str, Any]:
        """The new password (the policy applies; logins in progress end with the old one, the phone is
        told), then, unless ``end_sessions`` is false, every live session of the user ended
        (``session.killed``, ``ended_by: password_reset``)."""
        name = self._users.get(username).username
        logins = self._users.passwords.set_password(name, password, now=now)
        ended = self._sessions.end_all(name, now=now, ended_by="password_reset") if end_sessions else []
        return {"username": name, "sessions_ended": len(ended), "logins_ended": logins}
