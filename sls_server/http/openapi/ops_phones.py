"""OpenAPI operations and schemas of the simulated phones (``/sim/v1/phones``): inbox, call log, the
network's conditions, and a callback's audio."""

from __future__ import annotations

from typing import Any

from devices.phone import HANDSET_RE

from ...errors import InvalidRequest
from ...sim.speech import AudioFailed, AudioUnavailable
from ..sim.phones import MAX_DELAY_S, UnknownCall
from .build import describe_path_parameters, ok, op
from .schemas import Schema, array, boolean, integer, obj, ref, string, unix_time

Operation = tuple[str, str, dict[str, Any]]

_PARAMETERS = {
    "number": "The phone: an E.164 number (`+15551234567`, URL-encoded `%2B15551234567` if need be), or a "
    "handset name (`attacker`) for a phone that holds a swapped SIM. 400 `invalid_request` with "
    "`field: number` otherwise.",
    "call_id": "The call's `id`, from the call log.",
}

HANDSET = string("An E.164 number or a handset name.", pattern=HANDSET_RE.pattern, maxLength=32)
_CODE = string("The code parsed out of the text, for scripts; null when it carries none.", nullable=True)

SCHEMAS: dict[str, Schema] = {
    "PhoneMessage": obj(
        {
            "id": string("The text's id."),
            "at": unix_time("When it arrived (a delayed text is listed from then on)"),
            "from": string("The sender id.", examples=["IBKR"]),
            "text": string("What the phone shows."),
            "code": _CODE,
        },
        {
            "sent_at": unix_time("When it was sent"),
            "to": string("The number it was sent to (another one after a SIM swap)."),
            "purpose": string("Why it was sent: `login`, a step-up purpose, `notice`, ...", nullable=True),
        },
    ),
    "PhoneMessages": obj({"number": HANDSET, "messages": array(ref("PhoneMessage"), "Newest first.")}),
    "PhoneCall": obj(
        {
            "id": string("The call's id."),
            "at": unix_time("When the call came in"),
            "from": string("The caller id.", examples=["IBKR"]),
            "transcript": string("What the voice says: the code digit by digit, in words, twice."),
            "code": _CODE,
            "audio_url": string(
                "The call as a WAV file, where the server can speak (espeak-ng installed); else null.",
                nullable=True,
            ),
        },
        {
            "to": string("The number that was called."),
            "purpose": string("Why the call was placed.", nullable=True),
        },
    ),
    "PhoneCalls": obj({"number": HANDSET, "calls": array(ref("PhoneCall"), "Newest first.")}),
    "PhoneConditionsUpdate": obj(
        {},
        {
            "carrier_blocks_sms": boolean("Texts to this number are dropped; voice callbacks still ring."),
            "roaming": boolean("The phone is abroad: matters to push notifications, not to texts."),
            "delivery_delay_s": integer(
                "Texts arrive this many seconds late, by the server's clock.", minimum=0, maximum=MAX_DELAY_S
            ),
            "sim_swapped_to": {
                **string("The handset that now holds this number's SIM; texts and calls reach it instead."),
                "type": ["string", "null"],
                "pattern": HANDSET_RE.pattern,
            },
        },
        description="The whole set: an absent field is the normal network (false, 0, null). Unknown fields "
        "are refused.",
    ),
    "PhoneConditions": obj(
        {
            "number": HANDSET,
            "carrier_blocks_sms": boolean(),
            "roaming": boolean(),
            "delivery_delay_s": integer(minimum=0, maximum=MAX_DELAY_S),
            "sim_swapped_to": string(nullable=True),
        }
    ),
}


def _described(operation: Operation) -> Operation:
    return describe_path_parameters(operation, _PARAMETERS)


def operations() -> list[Operation]:
    base = "/sim/v1/phones/{number}"
    wav = {"audio/wav": {"schema": {"type": "string", "contentMediaType": "audio/wav"}}}
    return [
        _described(o)
        for o in (
            op(
                "get",
                f"{base}/messages",
                "listPhoneMessages",
                "Read a phone's texts",
                ok("PhoneMessages", "The texts that have arrived by now, newest first."),
                errors=(InvalidRequest,),
                description="A text delayed by `delivery_delay_s` appears once the server's clock reaches "
                "its `at`; a text the carrier blocked never appears. `code` is parsed out for scripts.",
            ),
            op(
                "get",
                f"{base}/calls",
                "listPhoneCalls",
                "Read a phone's voice callbacks",
                ok("PhoneCalls", "The calls received, newest first, with transcripts."),
                errors=(InvalidRequest,),
            ),
            op(
                "get",
                f"{base}/calls/{{call_id}}/audio",
                "getPhoneCallAudio",
                "Hear a voice callback",
                {"200": {"description": "The transcript spoken, as a WAV file.", "content": wav}},
                errors=(InvalidRequest, UnknownCall, AudioUnavailable, AudioFailed),
                description="Rendered by espeak-ng on the server. 404 `audio_unavailable` where it is not "
                "installed (the transcript says the same); 404 `unknown_call` for a call this handset "
                "did not receive.",
            ),
            op(
                "get",
                f"{base}/conditions",
                "getPhoneConditions",
                "Read a number's network conditions",
                ok("PhoneConditions", "The conditions in force."),
                errors=(InvalidRequest,),
            ),
            op(
                "put",
                f"{base}/conditions",
                "setPhoneConditions",
                "Set a number's network conditions",
                ok("PhoneConditions", "The conditions now in force."),
                body="PhoneConditionsUpdate",
                description="Replaces the whole set. Carrier blocks SMS: texts vanish (the login still says "
                "where the code was sent), voice callbacks ring. Delivery delay: texts arrive late. SIM "
                "swapped to a handset: texts and calls go to that handset's inbox (the SIM-swap attack). "
                "400 `invalid_request` names the bad field.",
            ),
        )
    ]
