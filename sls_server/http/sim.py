"""``/sim/v1``: what a person does with the authenticators they hold. No admin token: possession is all,
unless ``SLS_SIM_TOKEN`` asks for a token of its own (the trainer's, in a demo the audience attacks)."""

from __future__ import annotations

import re

from flask import Blueprint, jsonify

from ..errors import InvalidRequest, SimulatorDisabled, SlsError
from .common import bearer_matches, core, json_body, now, string

bp = Blueprint("sim", __name__, url_prefix="/sim/v1")

_SIX_DIGITS = re.compile(r"^[0-9]{6}$")


class SimTokenRequired(SlsError):
    code = "sim_token_required"
    status = 401
    message = "This server protects /sim/v1: send Authorization: Bearer <sim token> (its SLS_SIM_TOKEN)."


@bp.before_request
def simulators_enabled() -> None:
    """Switched off: 403 for everyone. ``SLS_SIM_TOKEN`` set: only its holder (the trainer) may play."""
    settings = core().settings
    if not settings.sim_enabled:
        raise SimulatorDisabled()
    if settings.sim_token is not None and not bearer_matches(settings.sim_token):
        raise SimTokenRequired()


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
