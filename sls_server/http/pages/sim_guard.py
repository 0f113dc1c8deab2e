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
from ..errors import SimulatorDisabled, answer_error
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
    """The refusal as ``/sim/v1`` answers it (``answer_error``: its extras, ``Retry-After``), in the pages'
    words (:func:`.kit.say`), or, for the codes in ``own``, in the service's own: words written for the one
    holding the device, which the login page's would misstate."""
    return answer_error(exc, message=None if exc.code in own else say(exc))


def guarded(
    action: Callable[[], Mapping[str, object]], *, changes: bool = True, own: tuple[str, ...] = ()
) -> Response:
    reason = locked_out()
    if reason:
        return shut(reason)
    try:
        if changes:
            require_browser_token()
        return jsonify(action())
    except SlsError as exc:
        return refused(exc, own=own)


def shut(reason: str) -> Response:
    """What a page's script is told when :func:`.simulators.locked_out` gives a ``reason``: the simulators
    switched off (``/sim/v1``'s 403, in the pages' words), or no sign-in with the sim token (and why it
    ended, when a deadline ended it: the page sends the person to the form)."""
    if reason == "disabled":
        return answer_error(SimulatorDisabled(), message="The simulators are switched off.")
    return answer_error(SIMULATORS.refusal())


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
