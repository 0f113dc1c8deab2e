"""``/sim/v1/phones``: the simulated phones: read a handset's texts and voice callbacks, set the network's
conditions for a number (carrier blocks SMS, roaming, delivery delay, SIM swapped to another handset).

A handset is addressed by its number, or by a short name for a phone that has none of its own (the
attacker's, after a SIM swap). Everything here stands for physical possession of the phone, so it needs
no token; answers carry codes, so they are never cached.
"""

from __future__ import annotations

import re
from dataclasses import asdict
from typing import Any

from flask import Response, jsonify
from flask.typing import ResponseReturnValue

from sls_devices.phone import Conditions, is_handset

from ...errors import InvalidRequest
from ...shapes.phones import (
    PhoneCall,
    PhoneCalls,
    PhoneConditions,
    PhoneConditionsUpdate,
    PhoneMessage,
    PhoneMessages,
)
from ...sim import speech
from ...sim.errors import AudioFailed, AudioUnavailable
from ..common import core, now
from ..errors import UnknownCall
from ..operations import Raw, operation
from . import bp

_CALL_ID = re.compile(r"^[0-9a-f]{1,32}$")
PARAMETERS = {
    "number": "The phone: an E.164 number (`+15551234567`, URL-encoded `%2B15551234567` if need be), or a "
    "handset name (`attacker`: at least one letter) for a phone that holds a swapped SIM. 400 "
    "`invalid_request` with `field: number` otherwise (digits without the `+` too).",
    "call_id": "The call's `id`, from the call log.",
}
WAV = Raw("audio/wav", {"type": "string", "contentMediaType": "audio/wav"})


def handset(number: str) -> str:
    """The path's ``<number>``: an E.164 number or a handset name, else 400 naming ``number``."""
    if not is_handset(number):
        raise InvalidRequest(
            "number must be an E.164 number like +15551234567, or a handset name of 1-32 letters, digits, "
            "'_', '.', '+' or '-' with at least one letter",
            field="number",
        )
    return number


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


#: What a text and a call show, as their shapes declare it (a stored record may carry more).
_MESSAGE_KEYS = tuple(PhoneMessage.__annotations__)
_CALL_KEYS = tuple(key for key in PhoneCall.__annotations__ if key != "audio_url")


def public_message(message: dict[str, Any]) -> dict[str, Any]:
    return {key: message.get(key) for key in _MESSAGE_KEYS}


def public_call(number: str, call: dict[str, Any], *, audio: bool) -> dict[str, Any]:
    audio_url = f"/sim/v1/phones/{number}/calls/{call['id']}/audio" if audio else None
    return {**{key: call.get(key) for key in _CALL_KEYS}, "audio_url": audio_url}


def conditions_view(number: str, conditions: Conditions) -> dict[str, Any]:
    """The answer's fields are the model's, every one (the phone's page shows the same, without the number;
    ``test_openapi_answers`` holds them to ``PhoneConditions``)."""
    return {"number": number, **asdict(conditions)}


@operation(
    bp,
    "get",
    "/phones/<number>/messages",
    summary="Read a phone's texts",
    ok=PhoneMessages,
    returns="The texts that have arrived by now, newest first.",
    errors=(InvalidRequest,),
    parameters=PARAMETERS,
)
def list_phone_messages(number: str) -> Response:
    """A text delayed by `delivery_delay_s` appears once the server's clock reaches its `at` (until then
    `in_transit` counts it); a text the carrier blocked never appears. `code` is parsed out for scripts."""
    name, at = handset(number), now()
    arrived, in_transit = core().phones.inbox(name, now=at)
    messages = [public_message(m) for m in arrived]
    return _no_store(jsonify({"number": name, "messages": messages, "in_transit": in_transit}))


@operation(
    bp,
    "get",
    "/phones/<number>/calls",
    summary="Read a phone's voice callbacks",
    ok=PhoneCalls,
    returns="The calls received, newest first, with transcripts.",
    errors=(InvalidRequest,),
    parameters=PARAMETERS,
    links={"get_phone_call_audio": {"number": "path.number", "call_id": "response.calls/0/id"}},
)
def list_phone_calls(number: str) -> Response:
    name = handset(number)
    audio = speech.available()
    calls = [public_call(name, c, audio=audio) for c in core().phones.calls(name, now=now())]
    return _no_store(jsonify({"number": name, "calls": calls}))


@operation(
    bp,
    "get",
    "/phones/<number>/calls/<call_id>/audio",
    summary="Hear a voice callback",
    ok=WAV,
    returns="The transcript spoken, as a WAV file.",
    errors=(InvalidRequest, UnknownCall, AudioUnavailable, AudioFailed),
    parameters=PARAMETERS,
)
def get_phone_call_audio(number: str, call_id: str) -> Response:
    """Rendered by espeak-ng on the server. 404 `audio_unavailable` where it is not installed (the
    transcript says the same); 404 `unknown_call` for a call this handset did not receive."""
    return call_audio(number, call_id)


def call_audio(number: str, call_id: str) -> Response:
    """A call to ``number`` spoken, as this route and the phone page's *Play* (``pages.sim_actions``) answer
    it; the refusals are raised (``unknown_call``, the number's 400, no audio), for each to tell."""
    name = handset(number)
    found = [
        c for c in core().phones.calls(name, now=now()) if _CALL_ID.fullmatch(call_id) and c["id"] == call_id
    ]
    if not found:
        raise UnknownCall()
    wav = speech.render_wav(found[0]["transcript"])
    return _no_store(Response(wav, mimetype="audio/wav"))


@operation(
    bp,
    "get",
    "/phones/<number>/conditions",
    summary="Read a number's network conditions",
    ok=PhoneConditions,
    returns="The conditions in force.",
    errors=(InvalidRequest,),
    parameters=PARAMETERS,
)
def get_phone_conditions(number: str) -> ResponseReturnValue:
    name = handset(number)
    return conditions_view(name, core().phones.conditions(name))


@operation(
    bp,
    "put",
    "/phones/<number>/conditions",
    summary="Set a number's network conditions",
    body=PhoneConditionsUpdate,
    ok=PhoneConditions,
    returns="The conditions now in force.",
    parameters=PARAMETERS,
)
def set_phone_conditions(number: str, body: PhoneConditionsUpdate) -> ResponseReturnValue:
    """Replaces the whole set. Carrier blocks SMS: texts vanish (the login still says where the code was
    sent), voice callbacks ring. Delivery delay: texts arrive late. SIM swapped to a handset: texts and calls
    go to that handset's inbox (the SIM-swap attack). Needs a restart: texts are lost until the phone is
    restarted. Roaming: IB Key asks for challenge/response, and with `roaming_loses_every` N every Nth text
    is lost (counted from this call). 400 `invalid_request` names the bad field."""
    name = handset(number)
    stored = core().phones.set_conditions(name, Conditions(**body.model_dump()), now=now())
    return conditions_view(name, stored)


@operation(
    bp,
    "post",
    "/phones/<number>/restart",
    summary="Restart a phone: it takes texts again",
    ok=PhoneConditions,
    returns="The conditions now in force (`needs_restart` false; the others as they were).",
    errors=(InvalidRequest,),
    parameters=PARAMETERS,
)
def restart_phone(number: str) -> ResponseReturnValue:
    """What the broker's help says to do when texts stop arriving: power the phone down and on again.
    Texts sent while it needed it stay lost (ask for a new code); recorded as `phone.restarted`."""
    name = handset(number)
    return conditions_view(name, core().phones.restart(name, now=now()))
