"""What the login rules refuse: the password step, the second-factor step, lockout, sessions and step-up.

Named and placed by the rule in CONTRIBUTING.md ("Errors"); the hierarchy is ``sls_server.errors``.
"""

from __future__ import annotations

from typing import Any

from ..errors import Conflict, Forbidden, NotAuthenticated, NotFound, SlsError
from ..shapes.login_names import LOGIN_TOKEN_HEADER


class AccountDisabled(Forbidden):
    """Also what a login or session in progress gets once the user is disabled: it ended then."""

    code = "account_disabled"
    message = "This account is disabled; an administrator must enable it."


class InvalidCredentials(SlsError):
    """Same body for an unknown user and a wrong password: the contract forbids an oracle."""

    code = "invalid_credentials"
    status = 401
    message = "The username or password is incorrect."


class NoSecondFactor(Forbidden):
    code = "no_second_factor"
    message = "The Secure Login System is mandatory and this user has no active second factor."


class UnknownTransaction(NotFound):
    code = "unknown_transaction"
    message = "No such login or step-up transaction."


class InvalidResponse(SlsError):
    code = "invalid_response"
    status = 401
    always = ("attempts_left",)
    message = "That response or code is not the one this prompt expects."  # a card's, an SMS's, an app's


class ChallengeExpired(SlsError):
    code = "challenge_expired"
    status = 410
    message = "This prompt has expired; start again (the login, or the verification)."


class ChallengeUsed(Conflict):
    code = "challenge_used"
    message = "This challenge has already been answered."


class DeviceInactive(Forbidden):
    code = "device_inactive"
    message = "That authenticator is not active."


class SessionExpired(NotAuthenticated):
    """Automatic logoff: ``ended_by`` ``idle`` (``session.expired_idle``), as gateway mode's 401 names it.
    Told to every request with the token while its tombstone lasts (``store.sessions.ENDED_KEEP_S``)."""

    code = "session_expired"
    always = ("ended_by",)
    message = "The session has expired; log in again."
    cause = "idle"
    """``ended_by``: what ended it, where one code has two causes."""

    def __init__(self, message: str | None = None, *, ended_at: int | None = None, **extra: Any) -> None:
        super().__init__(message, **{"ended_by": type(self).cause, **extra})
        self.ended_at = ended_at
        """When it ran out, on the app clock (None: not known), for this server's own words (gateway mode's
        "idle timeout at 14:02"); not in the answer, which the contract fixes."""


class SessionLifetimeEnded(SessionExpired):
    """Ended by the absolute lifetime (``session.expired_absolute``), not by inactivity: the same code to an
    API client, ``ended_by`` ``lifetime``; the pages tell the user which it was."""

    cause = "lifetime"


class AccountLocked(SlsError):
    code = "account_locked"
    status = 423
    message = "This account is locked after too many failed logins."


class RateLimited(SlsError):
    code = "rate_limited"
    status = 429
    always = ("retry_after",)
    message = "Too many failed logins from this address; wait and try again."


class DeviceLocked(SlsError):
    code = "device_locked"
    status = 423
    message = "This authenticator is disabled after too many wrong responses; use another or ask for a reset."


class LoginBindingRequired(NotAuthenticated):
    code = "login_binding_required"
    message = (
        f"This login belongs to the client that started it: send its login_token in {LOGIN_TOKEN_HEADER} "
        "(or the login cookie it set)."
    )


class LoginExhausted(SlsError):
    code = "login_exhausted"
    status = 429
    message = "This login asked for too many codes or factor switches; start the login again."


class PushDenied(SlsError):
    code = "push_denied"
    status = 401
    message = "The login was denied in the app."


class WrongMode(SlsError):
    code = "wrong_mode"
    status = 409
    message = "This step is answered another way."

    @classmethod
    def typed_to_push(cls, txn_id: str, purpose: str) -> WrongMode:
        """A typed answer to an IB Key push: the message names the route that collects the approval for this
        kind of step, and the app's Challenge/Response that gives a code to type (a newcomer told only to
        "poll the transaction" did not know which route polls a step-up)."""
        if purpose == "password_recovery":
            return cls(
                "This step waits for approval in the IB Key app: poll POST /api/v1/auth/recovery/verify with "
                "the recovery_token alone."
            )
        if purpose == "login":
            poll = f"poll GET /api/v1/auth/login/{txn_id}"
            other = f'POST /api/v1/auth/login/{txn_id}/factor {{"type": "ibkey", "mode": "challenge"}}'
        else:
            poll = "poll POST /api/v1/verify with its txn_id alone"
            other = 'a new POST /api/v1/verify {"purpose", "type": "ibkey", "mode": "challenge"}'
        return cls(
            f"This step waits for approval in the IB Key app: {poll}. To type the app's response instead, "
            f"ask for its Challenge/Response: {other}."
        )


class SessionReplaced(NotAuthenticated):
    code = "session_replaced"
    message = "This session was ended by a newer login of the same user."


class SessionRotated(SessionReplaced):
    """The token a step-up retired (ASVS 7.2.4): the session lives on under the step-up's new token. Told to
    every request still carrying the old one while its tombstone lasts, so a request in flight during the
    step-up (a tickle timer, a second tab) learns to use the new token rather than to log in again."""

    message = "This session token was replaced by the step-up's new session token; use the new token."


class SessionRevoked(NotAuthenticated):
    code = "session_revoked"
    message = "This session was ended: the account was disabled or removed."


class SessionKilled(NotAuthenticated):
    """Ended by someone other than its holder, neither by the account's disabling nor by a newer login: an
    administrator, a password reset, its user from another of their sessions, a request from an address the
    account may not use (that request is told ``ip_restricted``, every later one this). ``why`` is the
    tombstone's word for it (``auth.session_endings``), which the pages name the cause by; the body says it
    in ``message``."""

    code = "session_revoked"
    message = "This session was ended by the server; log in again."

    def __init__(self, message: str | None = None, *, why: str = "", **extra: Any) -> None:
        super().__init__(message, **extra)
        self.why = why


class SessionActive(Conflict):
    code = "session_active"
    message = "This user already has a live session; log out there first (one session per user)."


class UnknownSession(NotFound):
    """Also another user's session, to its user: a session id is never an oracle of whose sessions exist."""

    code = "unknown_session"
    message = "No live session has that id."


class SessionIpRejected(Forbidden):
    code = "ip_restricted"
    message = "This address may not use the session; it has been ended."


class WrongPassword(Forbidden):
    """The current password typed to change it was wrong. Not ``invalid_credentials``: inside a session a 401
    would read as the session's end, and the user is known, so there is no name to keep secret. Counted
    towards the lockout as a login's wrong password is."""

    code = "wrong_password"
    always = ("field",)
    message = "The current password is incorrect."


class ClientServicesRequired(Forbidden):
    """A password recovery needs a second authenticator besides the phone its code went to: with only SMS
    or voice, the phone alone (a swapped SIM, say) would be the whole account."""

    code = "client_services_required"
    message = (
        "Your password cannot be reset online: no security device other than this phone is enrolled. "
        "Contact IBKR Client Services."
    )


class ReauthRequired(SlsError):
    code = "reauth_required"
    status = 401
    always = ("purpose",)
    message = "This task needs a fresh identity verification: POST /api/v1/verify first."


class TokenGuessesLimited(SlsError):
    """Too many wrong admin or sim tokens (or, in a window of their own, metrics tokens) from this address
    lately (``auth.token_guesses``): every token from it is refused, the right one too, until the oldest wrong
    one leaves the window."""

    code = "rate_limited"
    status = 429
    always = ("retry_after",)
    message = "Too many wrong tokens from this address; wait and try again."


class WrongConsoleToken(SlsError):
    """The token typed to sign in to the trainer console or the simulator pages is not the one the server
    holds for that door (or the server holds none): ``auth.console_access``. The pages say it on their form;
    the token itself is never in the answer."""

    code = "wrong_console_token"
    status = 401
    message = "That is not this server's token for this page."
