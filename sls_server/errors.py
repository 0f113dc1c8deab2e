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
    challenge: str | None = None
    """A 401's ``WWW-Authenticate`` value (RFC 9110), for a client that asks for credentials by it."""
    always: tuple[str, ...] = ()
    """Extras every answer of this class carries: /openapi.json marks them required for its code, so one
    raised without them is a bug here, refused at once rather than sent."""

    def __init__(self, message: str | None = None, **extra: Any) -> None:
        if missing := [name for name in type(self).always if name not in extra]:
            raise TypeError(f"{type(self).__name__} needs {', '.join(missing)}")
        self.message = message or type(self).message
        self.extra = extra
        super().__init__(self.message)

    def body(self) -> dict[str, Any]:
        return {"error": self.code, "message": self.message, **self.extra}


class InvalidRequest(SlsError):
    """Malformed JSON, a missing field, a wrong type: the field is always named."""

    code = "invalid_request"
    status = 400
    always = ("field",)

    def __init__(self, message: str, *, field: str, **extra: Any) -> None:
        super().__init__(message, field=field, **extra)


class InvalidConfig(SlsError):
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


class NotAuthenticated(SlsError):
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


# --- login -----------------------------------------------------------------------------------------------


# --- devices and the simulated world ----------------------------------------------------------------------


class UnknownDevice(NotFound):
    code = "unknown_device"
    message = "No such device."


class DeviceBusy(SlsError):
    """Other requests kept the device's turn (``sls_server.turns``) for longer than one waits for it."""

    code = "device_busy"
    status = 429
    always = ("retry_after",)
    message = "Other requests are changing this device right now; try again in a second."
