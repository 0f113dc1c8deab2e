"""The gateway login page's paper/live toggle, as a rule the login's start applies."""

from __future__ import annotations

from collections.abc import Callable

from ..store.records import UserRecord
from .errors import LIVE_USER_IN_PAPER_MODE, PAPER_USER_IN_LIVE_MODE, LoginModeMismatch


def login_mode(paper_selected: bool) -> Callable[[UserRecord], None]:
    """The paper/live toggle as a rule of the login's start: judged once the password is right (so it tells
    nothing about a user to whoever lacks the password) and before any second factor is sent. The refusal
    is its sentence alone, which says which mode was selected: the page shows nothing else, and an extra
    would be a field /openapi.json's ``Error`` does not declare."""

    def admit(user: UserRecord) -> None:
        if user.paper and not paper_selected:
            raise LoginModeMismatch(PAPER_USER_IN_LIVE_MODE)
        if paper_selected and not user.paper:
            raise LoginModeMismatch(LIVE_USER_IN_PAPER_MODE)

    return admit
