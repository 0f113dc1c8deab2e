"""What gateway mode tells a client it refused: no gateway session, a login in the wrong paper/live mode, no
code on the phone for the outbox hook, or no room for one more wait for a code (the long-held requests, waits
and the trainer's live feeds alike, fill the worker's budget)."""

from __future__ import annotations

from ..errors import Forbidden, NotAuthenticated, NotFound, SlsError

PAPER_USER_IN_LIVE_MODE = (
    "You have selected the Live Account Mode, but the specified user is a Paper Trading user. "
    "Please select the correct Login mode."
)
LIVE_USER_IN_PAPER_MODE = (
    "You have selected the Paper Trading Mode, but the specified user is a Live Account user. "
    "Please select the correct Login mode."
)


class NoGatewaySession(NotAuthenticated):
    code = "no_session"
    message = "No gateway session: log in through the gateway's login page (/sso/Login) first."

    @classmethod
    def ended(cls, why: str, ended_by: str | None) -> NoGatewaySession:
        """The 401 after the gateway's session ended (``reason``: how; ``ended_by``: its cause, where one
        reason has two: ``session_expired`` is ``idle`` or ``lifetime``): the same words for the call that
        found it ending and for every later one until the next login, so no caller reads "first" as though
        there never was a session. ``ended_by`` is left out only for an ending an older version kept."""
        how = "ended at the daily reset" if why == "daily_reset" else f"has ended ({why})"
        message = f"The gateway's session {how}: log in through the gateway's login page again."
        return cls(message, reason=why) if ended_by is None else cls(message, reason=why, ended_by=ended_by)


class LoginModeMismatch(Forbidden):
    code = "login_mode_mismatch"
    message = PAPER_USER_IN_LIVE_MODE


class NoCode(NotFound):
    code = "no_code"
    message = "No security code has arrived on this user's phone."


class OutboxBusy(SlsError):
    """This worker process's long-held requests (``latest-code?wait=`` and the trainer's live feeds) fill its
    budget already: each holds a thread, and logins need theirs (``sls_server.long_held``)."""

    code = "outbox_busy"
    status = 429
    always = ("retry_after",)
    #: True whichever kind holds the places: the trainer's live feeds fill the budget as well as code waits.
    message = (
        "No room for another long wait on this server process: waits for a code and the trainer console's "
        "live feeds together may hold only half its threads (none when it runs one), the rest kept for "
        "logins, and none of that half is free now; ask again after retry_after seconds (a request without "
        "wait is answered at once)."
    )
