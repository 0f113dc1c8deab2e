"""What every JSON route of the simulator pages does around its action: the simulators' access rule, the
page's CSRF token on a change, the refusal in the pages' words (never a 500), and the body's fields read as a
400 naming the field.

The card's, the phone's and IBKR Mobile's routes (``sim_actions``) each call one service inside
:func:`guarded`, so they answer and refuse alike.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from flask import Response, jsonify, request

from ...errors import InvalidRequest, SlsError, UnknownDevice
from ...shapes.ibkey import Unlock
from .access import SIMULATORS
from .kit import require_browser_token, say, shaped
from .simulators import locked_out

#: A device, app or notification id as ours are written; anything else is no id of ours.
ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def known_id(value: str) -> str:
    """Ids become Redis keys: anything that is not one of ours is simply unknown (as in ``/sim/v1``)."""
    if not ID.fullmatch(value):
        raise UnknownDevice()
    return value


def refused(exc: SlsError, *, own: tuple[str, ...] = ()) -> Response:
    """The refusal in the pages' words (:func:`.kit.say`), or, for the codes in ``own``, in the service's own:
    words written for the one holding the device, which the login page's would misstate."""
    said = exc.message if exc.code in own else say(exc)
    body = {"error": exc.code, "message": said}
    for extra in ("attempts_left", "pin_attempts_left", "retry_after", "field"):
        if extra in exc.extra:
            body[extra] = exc.extra[extra]
    response = jsonify(body)
    response.status_code = exc.status
    return response


def guarded(
    action: Callable[[], Mapping[str, object]], *, changes: bool = True, own: tuple[str, ...] = ()
) -> Response:
    reason = locked_out()
    if reason == "disabled":
        response = jsonify({"error": "sim_disabled", "message": "The simulators are switched off."})
        response.status_code = 403
        return response
    if reason:  # why the sign-in ended, when a deadline ended it: the page sends the person to the form
        response = jsonify(SIMULATORS.refusal("sim_token", "Enter the sim token first."))
        response.status_code = 401
        return response
    try:
        if changes:
            require_browser_token()
        return jsonify(action())
    except SlsError as exc:
        return refused(exc, own=own)


def json_body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise InvalidRequest("a JSON object body is required", field="body")
    return data


def text(body: dict[str, Any], name: str, max_len: int = 128, required: bool = True) -> str | None:
    value = body.get(name)
    if value is None or value == "":
        if required:
            raise InvalidRequest(f"{name} is required", field=name)
        return None
    if not isinstance(value, str) or len(value) > max_len:
        raise InvalidRequest(f"{name} must be text of at most {max_len} characters", field=name)
    return value


def unlock(body: dict[str, Any]) -> dict[str, Any]:
    """PIN (Android), Face ID / Touch ID or, on an iPhone without them, its passcode (iOS): as asked, held
    to the ``Unlock`` shape of the ``/sim/v1`` twin (a PIN or passcode the keypad could not type is a 400
    that counts no wrong try)."""
    if body.get("biometric") is True:
        return {"biometric": True}
    name = "passcode" if "passcode" in body else "pin"
    return shaped(Unlock, {name: text(body, name, 16)}).unlock()
