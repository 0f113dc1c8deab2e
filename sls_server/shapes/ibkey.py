"""The simulated IBKR Mobile app (``/sim/v1/ibkey``): activation, Add User, the push inbox, approve and deny
with number matching, challenge/response, and the notification switch."""

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError
from typing_extensions import TypedDict

from .common import EightDigits, Password, Refusal, Request, SixDigits, UnixTime
from .devices import ActivationWay, Platform
from .stepup import Purpose

ServerDeviceId = Annotated[
    str, Field(description="A server device record: one per user per phone.", examples=["ibkey-0a1b2c3d4e5f"])
]
AppId = Annotated[
    str, Field(description="The phone's id: the device id of the first IB Key activated on it.")
]
#: What the Android app's PIN field can take: 4-6 ASCII letters or digits (``[0-9]``, not ``\d``). Anything
#: else is a 400 that counts nothing; a PIN of that form the app would not let the user choose (no digit,
#: ``sls_devices.ibkey_unlock.PIN_RE``) is refused by a new phone (400), a wrong PIN to an activated one.
APP_PIN_PATTERN = r"^[A-Za-z0-9]{4,6}$"
Pin = Annotated[
    str,
    Field(
        pattern=APP_PIN_PATTERN,
        description="Android: the app's PIN (4-6 letters or digits, one digit at least). A new phone refuses "
        "another one (400); an activated one counts a wrong one, as the real app's keypad would.",
    ),
    Refusal("must be 4-6 letters (A-Z, a-z) or digits (0-9)"),
]


MATCH_FORM = "must be the number the login page shows: text of 1-4 characters, or an integer 0-9999"


def _number_as_text(value: Any) -> Any:
    """The number shown is text ("42"); a client sending it as a JSON number means the same, and ``42.0`` is
    that integer as JSON Schema has it (``http.body_json.whole_numbers`` reads every other integer so). A
    number the document refuses (below 0, above 9999, with a fraction) or another type is refused here in
    the document's words, rather than taken as the text ``"-1"`` or worded as a list's length."""
    if isinstance(value, str):
        return value
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if number and (isinstance(value, int) or value.is_integer()) and 0 <= value <= 9999:
        return str(int(value))
    raise PydanticCustomError("refused", MATCH_FORM)


MatchNumber = Annotated[
    str,
    BeforeValidator(_number_as_text),
    Field(min_length=1, max_length=4),
    Refusal(MATCH_FORM),
    WithJsonSchema(
        {
            "description": "The number the login page shows, picked among the candidates (text or number).",
            "anyOf": [
                {"type": "string", "minLength": 1, "maxLength": 4, "examples": ["42"]},
                {"type": "integer", "minimum": 0, "maximum": 9999},
            ],
        }
    ),
]


#: An iPhone passcode as its keypad takes it: 4 or 6 ASCII digits (``sls_devices.ibkey_unlock.PASSCODE_RE``).
PASSCODE_PATTERN = r"^(?:[0-9]{4}|[0-9]{6})$"
Passcode = Annotated[
    str,
    Refusal("must be 4 or 6 digits (0-9)"),
    Field(
        pattern=PASSCODE_PATTERN,
        description="iOS without Touch ID / Face ID set up: the iPhone's own passcode (4 or 6 digits), which "
        "IB Key asks for instead. Another form is a 400; an activated phone counts a wrong one (403 "
        "`wrong_passcode`).",
    ),
]


class Unlock(Request):
    """How the app is unlocked: `pin` on Android; on iOS `biometric: true` (Touch ID / Face ID), or
    `passcode` on an iPhone where they are not set up."""

    pin: Pin | None = None
    biometric: bool | None = Field(None, description="iOS: Touch ID / Face ID confirmed (must be true).")
    passcode: Passcode | None = None

    def unlock(self) -> dict[str, Any]:
        """What the app is unlocked with: the fields given, as the app model takes them."""
        return self.model_dump(include={"pin", "biometric", "passcode"}, exclude_none=True)


class IbKeyActivateRequest(Unlock):
    """Username and password (counted by the login lockout), the code texted at enrolment, and the unlock:
    the PIN to set on a new Android phone, or the phone's PIN when adding a user."""

    username: str = Field(min_length=1, max_length=64)
    password: Password
    activation_code: str = Field(
        min_length=1, max_length=16, description="The code texted to the user's phone."
    )


class IbKeyActivated(TypedDict):
    """Active: the phone holds the user's keys; the server, the public half."""

    status: Literal["active"]
    username: str
    device_id: ServerDeviceId
    app_id: AppId
    platform: Platform
    replaced: Annotated[
        list[str], Field(description="The user's IB Keys on other phones, replaced from now on.")
    ]


class IbKeyAddUserRequest(Request):
    username: str = Field(min_length=1, max_length=64)
    password: Password


class IbKeyUserAdded(ActivationWay):
    """A code was texted to that user's phone (or, for a user with an active card moving here, the card's
    response is the code); activate with it on this phone."""

    status: Literal["pending_activation"]
    username: str
    device_id: ServerDeviceId
    app_id: AppId


class IbKeyAppUser(TypedDict):
    username: str
    device_id: ServerDeviceId


class IbKeyApp(TypedDict):
    """The phone's IB Key state."""

    app_id: AppId
    platform: Platform
    unlock: Annotated[
        Literal["pin", "biometric", "passcode"],
        Field(
            description="How the keys are unlocked: the app's PIN (Android), Touch ID / Face ID, or the "
            "iPhone's passcode where they are not set up (iOS)."
        ),
    ]
    notifications: Annotated[bool, Field(description="Push notifications on; off means challenge/response.")]
    locked: Annotated[bool, Field(description="Too many wrong PINs (or passcodes): the keys are disabled.")]
    pin_attempts_left: Annotated[
        int | None,
        Field(
            ge=0,
            description="Wrong PINs (Android) or iPhone passcodes (iOS without Touch ID / Face ID) still "
            "allowed; null with Touch ID / Face ID.",
        ),
    ]
    users: Annotated[list[IbKeyAppUser], Field(description="The users activated on this phone.")]
    pending_users: Annotated[list[IbKeyAppUser], Field(description="Users added and awaiting activation.")]


class IbKeyNotification(TypedDict):
    """A push waiting for an answer."""

    id: str
    txn_id: Annotated[str, Field(description="The login (or step-up) transaction it belongs to.")]
    username: str
    device_id: ServerDeviceId
    candidates: Annotated[
        list[Annotated[str, Field(pattern=r"^[0-9]{2}$")]],
        Field(description="Three numbers; the login page shows one."),
    ]
    purpose: Annotated[
        Literal["login", "password_recovery", Purpose],
        Field(description="`login`, `password_recovery` (Forgot your password?) or a step-up purpose."),
    ]
    sent_at: Annotated[UnixTime, Field(description="When it was sent.")]
    expires_at: Annotated[UnixTime, Field(description="From this instant on it can no longer be answered.")]


class IbKeyNotifications(TypedDict):
    notifications: Annotated[list[IbKeyNotification], Field(description="Newest first.")]


class IbKeyApproveRequest(Unlock):
    match: MatchNumber


class IbKeyDenyRequest(Unlock):
    """Only the unlock: a denial picks no number."""


class IbKeyAnswered(TypedDict):
    state: Annotated[Literal["approved", "denied"], Field(description="What the login now says to a poll.")]
    notification_id: str
    txn_id: str


class IbKeyRespondRequest(Unlock):
    """Challenge/response, for a phone that cannot take a push (roaming, notifications off)."""

    challenge: SixDigits
    username: str | None = Field(
        None, max_length=64, description="Which user, when several are on the phone."
    )


class IbKeyRespondResponse(TypedDict):
    response: Annotated[EightDigits, Field(description="What the app shows: type it into the login page.")]


class IbKeySettings(Request):
    notifications: bool = Field(description="Receive push notifications.")


class IbKeyBiometrics(Request):
    """The iPhone's Settings, not the app's: Touch ID / Face ID set up or removed. iOS asks for the phone's
    passcode either way; the simulated iPhone keeps the first one it is given as its passcode."""

    enabled: bool = Field(
        description="Touch ID / Face ID set up on the iPhone; false: IB Key asks for the passcode."
    )
    passcode: Passcode


class IbKeyMigrateRequest(Request):
    """What the new phone's app asks for ("Migrate IB Key"): the login, and the new phone's platform."""

    username: str = Field(min_length=1, max_length=64)
    password: Password
    platform: Platform
    handset: str | None = Field(
        None,
        pattern=r"^\+[1-9][0-9]{6,14}$",
        description="The new phone's own number, if it has one (where its pushes and conditions apply).",
    )


class IbKeyMigrationStarted(ActivationWay):
    """A new IB Key waits for activation on the new phone: with the texted code, or the card's response."""

    status: Literal["pending_activation"]
    username: str
    device_id: ServerDeviceId
