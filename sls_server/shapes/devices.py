"""Authenticators as the admin enrols, lists, revokes and resets them (``/admin/v1/.../devices``)."""

from typing import Annotated, Literal, NotRequired, Self, get_args

from pydantic import ConfigDict, Field, model_validator
from typing_extensions import TypedDict

from ..errors import InvalidRequest
from .common import (
    DeviceId,
    DeviceRef,
    FactorType,
    Handset,
    Label,
    Masked,
    Refusal,
    Request,
    UnixTime,
    Username,
)

#: What a TOTP app may be provisioned with (``sls_devices.totp``): digits, hash, seconds per code.
TotpDigits = Literal[6, 8]
TotpAlgorithm = Literal["sha1", "sha256", "sha512"]
TOTP_MIN_PERIOD = 15
TOTP_MAX_PERIOD = 120
TEMPORARY_MAX_DAYS = 14
DSCPLUS_SUITE = "OCRA-1:HOTP-SHA256-8:QN06-PSHA1"
#: ``expired``: a temporary passcode past its validity (the admin's view; the record stays ``active``).
DeviceStatus = Literal["active", "revoked", "pending_activation", "replaced", "expired"]
Platform = Literal["android", "ios"]
#: A DSC+ card's PIN as its keypad types it: ``sls_devices.dscplus.PIN_LENGTH`` ASCII digits (``[0-9]``, not
#: ``\d``, which matches any script's digits). Enrolment sets one and the card in the hand is keyed with one:
#: anything else could not be typed, so it is a 400 and counts no wrong PIN.
CARD_PIN_PATTERN = r"^[0-9]{4}$"
CardPin = Annotated[
    str,
    Field(pattern=CARD_PIN_PATTERN, description="The card's PIN: 4 digits (0-9)."),
    Refusal("must be exactly 4 digits (0-9)"),
]
Serial = Annotated[
    str, Field(pattern=r"^5-[0-9]{4}-[0-9]{5}$", description="A DSC+ card's serial, as on its back.")
]
Suite = Annotated[
    str, Field(description="The OCRA suite (RFC 6287) the card computes.", examples=[DSCPLUS_SUITE])
]


#: The one type each enrolment option is for (``sls device enroll``'s ``ONLY_FOR`` too).
OPTION_TYPES = {
    "pin": "dscplus",
    "share_device_id": "dscplus",
    "platform": "ibkey",
    "days": "temporary",
    "digits": "totp",
    "algorithm": "totp",
    "period": "totp",
}


def check_options_for_type(body: "DeviceEnrolRequest") -> None:
    """400 naming an option of another type than the body's (``{"type": "totp", "days": 5}``), rather than
    enrol without it and let the client believe it was obeyed. A type this server does not know is left to
    the registry's ``unsupported_device_type``. (The trainer's form sends its hidden fields too, so it is
    the admin route's check, not the model's.)"""
    if body.type not in get_args(FactorType):
        return
    for option, for_type in OPTION_TYPES.items():
        if getattr(body, option) is not None and body.type != for_type:
            raise InvalidRequest(f"{option} is for type {for_type}, not {body.type}", field=option)


class DeviceEnrolRequest(Request):
    """`type` plus that type's parameters. `share_device_id` shares an existing DSC+ card instead."""

    # check_options_for_type's rule for the document: an option that is no null goes with its type.
    model_config = ConfigDict(
        json_schema_extra={
            "dependentSchemas": {
                option: {
                    "anyOf": [
                        {"properties": {option: {"type": "null"}}},
                        {"properties": {"type": {"const": for_type}}},
                    ]
                }
                for option, for_type in OPTION_TYPES.items()
            }
        }
    )

    # Validated as any string, so that an unknown type is 400 `unsupported_device_type` (from the factor
    # registry) rather than `invalid_request`; documented as the closed set, so generated clients type it.
    type: str = Field(
        min_length=1,
        max_length=32,
        description="The authenticator type; 400 `unsupported_device_type` lists what this server knows.",
        examples=["dscplus"],
        json_schema_extra={"enum": list(get_args(FactorType))},
    )
    label: Label | None = None
    share_device_id: DeviceRef | None = Field(
        None, description="dscplus: share this existing card with the user instead of a new one."
    )
    pin: CardPin | None = Field(None, description="dscplus: the card's PIN, 4 digits (0-9).")
    platform: Platform | None = Field(None, description="ibkey: the smartphone's platform.")
    days: int | None = Field(
        None, ge=1, le=TEMPORARY_MAX_DAYS, description="temporary: days the passcode stays valid."
    )
    digits: TotpDigits | None = Field(None, description="totp: how many digits the app shows (default 6).")
    algorithm: TotpAlgorithm | None = Field(None, description="totp: the HMAC hash (default `sha1`).")
    period: int | None = Field(
        None,
        ge=TOTP_MIN_PERIOD,
        le=TOTP_MAX_PERIOD,
        description="totp: seconds each code lasts (default 30).",
    )

    @model_validator(mode="after")
    def _only_cards_are_shared(self) -> Self:
        if self.share_device_id is not None and self.type != "dscplus":
            raise InvalidRequest("only a DSC+ card can be shared", field="share_device_id")
        if self.share_device_id is not None and self.pin is not None:  # it was silently ignored
            raise InvalidRequest("a shared card keeps its owner's PIN: leave pin out", field="pin")
        return self


class UserStrikes(TypedDict):
    """A user's wrong responses counted against them on a device (on the user's own record), which the step
    settling their right answer judges: at the device's limit they are refused as if it were disabled."""

    username: Username
    count: Annotated[int, Field(ge=1, description="Their wrong responses on it since their last right one.")]


class Device(TypedDict):
    """An authenticator. `revoked` and `replaced` (an IB Key migrated to a new phone) devices stay listed but
    can no longer log in; an IB Key is `pending_activation` until the app activates it."""

    device_id: DeviceId
    type: FactorType
    label: Label | None
    status: DeviceStatus
    created_at: Annotated[UnixTime, Field(description="When the device was enrolled.")]
    serial: NotRequired[Serial]
    suite: NotRequired[Suite]
    locked: NotRequired[Annotated[bool, Field(description="A DSC+ card locked by too many wrong PINs.")]]
    owner: NotRequired[Annotated[Username, Field(description="The user who enrolled it.")]]
    expires_at: NotRequired[
        Annotated[
            UnixTime,
            Field(
                description="temporary: when the passcode lapses (it works before). Once found lapsed (a "
                "login, a verify or this list at or after it: `status` `expired`), it stays lapsed if the "
                "clock is moved back."
            ),
        ]
    ]
    handset: NotRequired[
        Annotated[
            Handset,
            Field(
                description="ibkey: the phone the app is on, its number or a handset's name (`attacker`: a "
                "staged SIM swap migrated it to the attacker's handset)."
            ),
        ]
    ]
    shared_with: Annotated[list[Username], Field(description="dscplus: other users the card serves.")]
    factor_locked: Annotated[
        bool, Field(description="Disabled by too many wrong responses; `POST .../unlock` re-enables it.")
    ]
    factor_failures: Annotated[int, Field(ge=0, description="Wrong responses since the last right one.")]
    strikes: Annotated[
        list[UserStrikes],
        Field(
            description="The users of it holding wrong-response strikes on it, in its users' order; they "
            "follow `factor_failures`, but a step that ended between its two writes can leave a user's at "
            "the limit on a device enabled at no count, refusing their right responses (`423 "
            "device_locked`). `POST .../unlock` clears them (its `strikes_cleared`)."
        ),
    ]


class UnlockedDevice(Device):
    """A device after the admin's unlock, and whose strikes the unlock cleared on a device that had no lock
    or count to clear."""

    strikes_cleared: Annotated[
        list[Username],
        Field(
            description="Users whose wrong-response strikes on it stood while it was enabled at no count "
            "(so their right responses were refused as `423 device_locked`), cleared by this unlock. Empty "
            "when it had a lock or a count to clear (their strikes went with it) or nobody was refused."
        ),
    ]


class ActivationWay(TypedDict):
    """How a new IB Key is confirmed: a code texted to the phone, or (a migration while a card is active for
    the user, as the broker's procedure allows) the card's response to the challenge shown here."""

    activation: NotRequired[
        Annotated[Literal["sms", "card"], Field(description="ibkey: how the activation is confirmed.")]
    ]
    sent_to: NotRequired[Annotated[Masked, Field(description="ibkey: where the activation code went.")]]
    card_device_id: NotRequired[
        Annotated[str, Field(description="ibkey, by card: the card whose response activates the phone.")]
    ]
    challenge: NotRequired[
        Annotated[
            str,
            Field(
                pattern=r"^[0-9]{6}$",
                description="ibkey, by card: key it into the card; its response is the activation code.",
            ),
        ]
    ]
    activation_expires_at: NotRequired[
        Annotated[
            UnixTime, Field(description="ibkey: when the activation code stops working (it works before).")
        ]
    ]


class DeviceEnrolled(Device, ActivationWay):
    """The new device, with what the admin receives this once (a card's key, an app's secret)."""

    secret_hex: NotRequired[
        Annotated[
            str,
            Field(
                pattern=r"^[0-9a-f]+$",
                description="dscplus: the card's key, hex. Returned once, here, like a token import file.",
            ),
        ]
    ]
    otpauth_uri: NotRequired[
        Annotated[str, Field(pattern=r"^otpauth://totp/", description="totp: the provisioning URI.")]
    ]
    secret_b32: NotRequired[
        Annotated[str, Field(pattern=r"^[A-Z2-7]+$", description="totp: the shared secret, unpadded base32.")]
    ]
    qr_svg: NotRequired[Annotated[str, Field(description="totp: the otpauth URI as a QR code (SVG).")]]
    digits: NotRequired[TotpDigits]
    algorithm: NotRequired[TotpAlgorithm]
    period: NotRequired[Annotated[int, Field(ge=TOTP_MIN_PERIOD, le=TOTP_MAX_PERIOD)]]
    platform: NotRequired[Platform]
    passcode: NotRequired[Annotated[str, Field(description="temporary: the passcode. Returned once, here.")]]


class DeviceList(TypedDict):
    devices: Annotated[list[Device], Field(description="Active and revoked devices, oldest first.")]
