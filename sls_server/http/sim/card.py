"""``/sim/v1/dscplus``: the DSC+ card in the user's hand."""

from __future__ import annotations

from flask.typing import ResponseReturnValue

from ...errors import DeviceBusy, UnknownDevice
from ...shapes.card import CardRespondRequest, CardRespondResponse, CardStatus
from ...sim.errors import CardLockedOut, PinRejected
from ..common import core, now
from ..operations import operation
from . import bp


@operation(
    bp,
    "post",
    "/dscplus/<device_id>/respond",
    summary="Key PIN and challenge into a simulated DSC+ card",
    body=CardRespondRequest,
    ok=CardRespondResponse,
    returns="The response the card displays.",
    errors=(PinRejected, UnknownDevice, CardLockedOut, DeviceBusy),
)
def respond_with_card(device_id: str, body: CardRespondRequest) -> ResponseReturnValue:
    """403 `wrong_pin` with `pin_attempts_left`; after too many the card locks itself: 423 `card_locked`
    until an admin resets it (`POST /admin/v1/devices/{device_id}/reset`). Requests at one card run one
    at a time; one that waited about 5 s for its turn is 429 `device_busy` with `retry_after`, its PIN
    neither checked nor counted."""
    return {"response": core().cards.respond(device_id, body.pin, body.challenge, now=now())}


@operation(
    bp,
    "get",
    "/dscplus/<device_id>",
    summary="Look at a simulated DSC+ card",
    ok=CardStatus,
    returns="Serial, suite, locked or not, PIN tries left.",
    errors=(UnknownDevice,),
)
def get_card_status(device_id: str) -> ResponseReturnValue:
    return core().cards.status(device_id)
