"""``/sim/v1/dscplus``: the DSC+ card in the user's hand."""

from __future__ import annotations

import re

from flask import jsonify

from ...errors import InvalidRequest
from ..common import core, json_body, now, string
from . import bp

_SIX_DIGITS = re.compile(r"^[0-9]{6}$")


@bp.post("/dscplus/<device_id>/respond")
def card_respond(device_id: str):  # type: ignore[no-untyped-def]
    body = json_body()
    pin = string(body, "pin", max_len=16)
    challenge = string(body, "challenge", max_len=16)
    if not _SIX_DIGITS.fullmatch(challenge):
        raise InvalidRequest(
            "challenge must be exactly 6 digits, as shown on the login page", field="challenge"
        )
    return jsonify({"response": core().cards.respond(device_id, pin, challenge, now=now())})


@bp.get("/dscplus/<device_id>")
def card_status(device_id: str):  # type: ignore[no-untyped-def]
    record = core().cards.status(device_id)
    return jsonify(record)
