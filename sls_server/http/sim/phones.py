"""``/sim/v1/phones``: the simulated phones: read a handset's texts and voice callbacks, set the network's
conditions for a number (carrier blocks SMS, roaming, delivery delay, SIM swapped to another handset).

A handset is addressed by its number, or by a short name for a phone that has none of its own (the
attacker's, after a SIM swap). Everything here stands for physical possession of the phone, so it needs
no token; answers carry codes, so they are never cached.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Response, jsonify

from devices.phone import HANDSET_RE, Conditions, is_handset

from ...errors import InvalidRequest, NotFound
from ...sim import speech
from ..common import core, json_body, now
from . import bp

MAX_DELAY_S = 3600
_CALL_ID = re.compile(r"^[0-9a-f]{1,32}$")
_CONDITION_FIELDS = ("carrier_blocks_sms", "roaming", "delivery_delay_s", "sim_swapped_to")


class UnknownCall(NotFound):
    code = "unknown_call"
    message = "This handset received no call with that id."


def handset(number: str) -> str:
    """The path's ``<number>``: an E.164 number or a handset name, else 400 naming ``number``."""
    if not is_handset(number):
        raise InvalidRequest(
            "number must be an E.164 number like +15551234567, or a handset name of 1-32 letters, digits, "
            "'_', '.', '+' or '-'",
            field="number",
        )
    return number


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


def public_message(message: dict[str, Any]) -> dict[str, Any]:
    keys = ("id", "at", "sent_at", "from", "to", "text", "code", "purpose")
    return {key: message.get(key) for key in keys}


def public_call(number: str, call: dict[str, Any], *, audio: bool) -> dict[str, Any]:
    keys = ("id", "at", "from", "to", "transcript", "code", "purpose")
    audio_url = f"/sim/v1/phones/{number}/calls/{call['id']}/audio" if audio else None
    return {**{key: call.get(key) for key in keys}, "audio_url": audio_url}


def conditions_view(number: str, conditions: Conditions) -> dict[str, Any]:
    return {
        "number": number,
        "carrier_blocks_sms": conditions.carrier_blocks_sms,
        "roaming": conditions.roaming,
        "delivery_delay_s": conditions.delivery_delay_s,
        "sim_swapped_to": conditions.sim_swapped_to,
    }


def parse_conditions(body: dict[str, Any]) -> Conditions:
    """The whole set of conditions (PUT replaces; an absent field is the normal network), each checked."""
    unknown = sorted(set(body) - set(_CONDITION_FIELDS))
    if unknown:
        raise InvalidRequest(
            f"unknown field {unknown[0]!r}; the conditions are {', '.join(_CONDITION_FIELDS)}",
            field=unknown[0],
        )
    for name in ("carrier_blocks_sms", "roaming"):
        if name in body and not isinstance(body[name], bool):
            raise InvalidRequest(f"{name} must be true or false", field=name)
    delay = body.get("delivery_delay_s", 0)
    if isinstance(delay, bool) or not isinstance(delay, int) or not 0 <= delay <= MAX_DELAY_S:
        raise InvalidRequest(
            f"delivery_delay_s must be an integer number of seconds, 0 to {MAX_DELAY_S}",
            field="delivery_delay_s",
        )
    swapped = body.get("sim_swapped_to")
    if swapped is not None and (not isinstance(swapped, str) or not is_handset(swapped)):
        raise InvalidRequest(
            "sim_swapped_to must be null, an E.164 number, or a handset name matching " + HANDSET_RE.pattern,
            field="sim_swapped_to",
        )
    return Conditions(
        carrier_blocks_sms=bool(body.get("carrier_blocks_sms", False)),
        roaming=bool(body.get("roaming", False)),
        delivery_delay_s=delay,
        sim_swapped_to=swapped,
    )


@bp.get("/phones/<number>/messages")
def phone_messages(number: str):  # type: ignore[no-untyped-def]
    name = handset(number)
    messages = [public_message(m) for m in core().phones.messages(name, now=now())]
    return _no_store(jsonify({"number": name, "messages": messages}))


@bp.get("/phones/<number>/calls")
def phone_calls(number: str):  # type: ignore[no-untyped-def]
    name = handset(number)
    audio = speech.available()
    calls = [public_call(name, c, audio=audio) for c in core().phones.calls(name, now=now())]
    return _no_store(jsonify({"number": name, "calls": calls}))


@bp.get("/phones/<number>/calls/<call_id>/audio")
def phone_call_audio(number: str, call_id: str):  # type: ignore[no-untyped-def]
    name = handset(number)
    found = [
        c for c in core().phones.calls(name, now=now()) if _CALL_ID.fullmatch(call_id) and c["id"] == call_id
    ]
    if not found:
        raise UnknownCall()
    wav = speech.render_wav(found[0]["transcript"])
    return _no_store(Response(wav, mimetype="audio/wav"))


@bp.get("/phones/<number>/conditions")
def get_phone_conditions(number: str):  # type: ignore[no-untyped-def]
    name = handset(number)
    return jsonify(conditions_view(name, core().phones.conditions(name)))


@bp.put("/phones/<number>/conditions")
def put_phone_conditions(number: str):  # type: ignore[no-untyped-def]
    name = handset(number)
    conditions = parse_conditions(json_body())
    stored = core().phones.set_conditions(name, conditions, now=now())
    return jsonify(conditions_view(name, stored))
