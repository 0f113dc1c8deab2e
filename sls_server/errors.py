"""One error hierarchy for the whole service, defined without Flask.

The HTTP layer turns any :class:`SlsError` into the contract's JSON body
``{"error": code, "message": ..., **extra}`` with ``status``; nothing else is
needed to add a new failure mode than a subclass (or an instance with extras).
"""

from __future__ import annotations

from typing import Any


class SlsError(Exception):
    """A failure the client is told about, with a stable ``code`` from the contract."""

    code: str = "error"
    status: int = 400
    message: str = "The request failed."

    def __init__(self, message: str | None = None, **extra: Any) -> None:
        self.message = message or type(self).message
        self.extra = extra
        super().__init__(self.message)

    def body(self) -> dict[str, Any]:
        return {"error": self.code, "message": self.message, **self.extra}


class InvalidRequest(SlsError):
    """Malformed JSON, a missing field, a wrong type: the field is always named."""

    code = "invalid_request"
    status = 400

    def __init__(self, message: str, *, field: str, **extra: Any) -> None:
        super().__init__(message, field=field, **extra)


class ConfigError(SlsError):
    """A bad configuration value; start-up stops with this message, never a traceback."""

    code = "invalid_config"
    status = 500

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}", key=key)
        self.key = key


class StoreUnavailable(SlsError):
    code = "store_unavailable"
    status = 503
    message = "The state store cannot serve this request right now; try again shortly."


class NotFound(SlsError):
    code = "not_found"
    status = 404
    message = "No such resource."


class Unauthorized(SlsError):
    code = "not_authenticated"
    status = 401
    message = "Authentication is required."


class Forbidden(SlsError):
    code = "forbidden"
    status = 403
    message = "You may not do that."


class Conflict(SlsError):
    code = "conflict"
    status = 409
    message = "The request conflicts with the current state."


# --- users and passwords -------------------------------------------------------------------------------


class UserExists(Conflict):
    code = "user_exists"
    message = "A user with that username already exists."


class UnknownUser(NotFound):
    code = "unknown_user"
    message = "No such user."


class AccountDisabled(Forbidden):
    """Also what a login or session in progress gets once the user is disabled: it ended then."""

    code = "account_disabled"
    message = "This account is disabled; an administrator must enable it."


class WeakPassword(SlsError):
    code = "weak_password"
    status = 400


# --- login -----------------------------------------------------------------------------------------------


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
    message = "No such login transaction."


class InvalidResponse(SlsError):
    code = "invalid_response"
    status = 401
    message = "The response does not match the challenge."


class ChallengeExpired(SlsError):
    code = "challenge_expired"
    status = 410
    message = "The challenge has expired; start the login again."


class ChallengeUsed(Conflict):
    code = "challenge_used"
    message = "This challenge has already been answered."


class DeviceInactive(Forbidden):
    code = "device_inactive"
    message = "That authenticator is not active."


class SessionExpired(Unauthorized):
    code = "session_expired"
    message = "The session has expired; log in again."


# --- devices and the simulated world ----------------------------------------------------------------------


class UnknownDevice(NotFound):
    code = "unknown_device"
    message = "No such device."


class UnsupportedDeviceType(SlsError):
    code = "unsupported_device_type"
    status = 400


class SimulatorDisabled(Forbidden):
    code = "simulator_disabled"
    message = "The simulated authenticators are switched off on this server."
