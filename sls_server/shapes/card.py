"""The DSC+ card in the user's hand (``/sim/v1/dscplus``)."""

from typing import Annotated

from pydantic import Field
from typing_extensions import TypedDict

from .common import DeviceId, EightDigits, Request, SixDigits
from .devices import CardPin, Serial, Suite


class CardRespondRequest(Request):
    """What the user keys into the card."""

    pin: CardPin
    challenge: SixDigits


class CardRespondResponse(TypedDict):
    response: Annotated[EightDigits, Field(description="What the card's display shows.")]


class CardStatus(TypedDict):
    """What the card's display and the back of the card tell."""

    device_id: DeviceId
    serial: Serial
    suite: Suite
    locked: Annotated[bool, Field(description="Locked by too many wrong PINs, until an admin resets it.")]
    pin_attempts_left: Annotated[int, Field(ge=0)]
