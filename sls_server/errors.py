"""One error hierarchy for the whole service, defined without Flask.

The HTTP layer turns any :class:`SlsError` into the contract's JSON body
``{"error": code, "message": ..., **extra}`` with ``status``; nothing else is
needed to add a new failure mode than a subclass (or an instance with extras).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
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


#: The most field refusals one 400 lists in ``problems``: a body of a thousand bad entries gets a page.
MAX_PROBLEMS = 20
#: What a refusal says about its field, carried into its entry of ``problems``.
_PROBLEM_KEYS = ("field", "index", "entry", "reason")


def together(refusals: Sequence[SlsError], order: Iterable[str] = ()) -> SlsError | None:
    """Refusals of one body's fields (a shape's, then the rules judged after it: a username's form, the
    password policy, an allowlist's entries) as one answer, so a client marks every field in one round.

    None for none; a single one as it is. Several: every field's refusal in ``problems``, ordered as the
    body's fields are (``order``: its field names, top level; the refusals' own order otherwise), each with
    its own ``code`` (and ``reason``, for ``weak_password``). The answer is the refusal the first problem came
    from, its ``field`` and ``message`` (and ``index``, ``entry``, ``reason``) set to that problem's, so its
    ``error`` is that problem's code: a client reading only ``error``, ``field`` and ``message``, as the
    contract has them, reads one refusal that is true of the body.
    So a weak password beside a malformed phone is ``invalid_request`` when the phone comes first in the
    body, ``weak_password`` (with ``reason``) when the password does."""
    if len(refusals) < 2 and not any(r.extra.get("problems") for r in refusals):
        return refusals[0] if refusals else None
    listed = [(problem, r) for r in refusals for problem in problems_of(r)]
    places = {name: rank for rank, name in enumerate(order)}
    listed.sort(key=lambda pair: places.get(top_field(pair[0]["field"]), len(places)))
    lead, owner = listed[0]
    if len(listed) > 1:
        owner.extra = {
            **{k: v for k, v in owner.extra.items() if k not in (*_PROBLEM_KEYS, "problems")},
            **{k: lead[k] for k in _PROBLEM_KEYS if k in lead},
            "problems": [problem for problem, _ in listed][:MAX_PROBLEMS],
        }
    else:
        owner.extra = {k: v for k, v in owner.extra.items() if k != "problems"}
    owner.message = lead["message"]
    owner.args = (lead["message"],)
    return owner


def problems_of(refusal: SlsError) -> list[dict[str, Any]]:
    """A refusal's entries of ``problems``: those it lists already, or itself as one."""
    listed = refusal.extra.get("problems")
    if listed:
        return [{**problem, "code": problem.get("code", refusal.code)} for problem in listed]
    said = {k: v for k, v in refusal.extra.items() if k in _PROBLEM_KEYS}
    return [{"field": said.pop("field", "body"), "message": refusal.message, **said, "code": refusal.code}]


def top_field(field: str) -> str:
    """The body's own field a path starts with (``users[1].phone`` -> ``users``)."""
    return field.split(".", 1)[0].split("[", 1)[0]


class InvalidConfig(SlsError):
    """A bad configuration value; start-up stops with this message, never a traceback. The key is in the
    message and on ``key``, not an extra: an extra is a field of the contract's ``Error``, which has none
    named ``key``, and the start-up line says only ``code`` and ``message``."""

    code = "invalid_config"
    status = 500

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}")
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
