"""The login flow (``/api/v1/auth/login``): the password, the second factor's prompt, switching factors, the
answer, and polling a login that waits for an app."""

import re
from typing import Annotated, Any, Literal, NotRequired, Self

from pydantic import ConfigDict, Field, model_validator
from typing_extensions import TypedDict

from ..errors import InvalidRequest
from .common import DeviceId, DeviceRef, FactorType, Label, Masked, Password, Request, SixDigits, UnixTime
from .login_names import LOGIN_COOKIE, LOGIN_TOKEN_HEADER
from .sessions import SessionToken

#: IB Key's Challenge/Response method asked for instead of a push ("IBKR Mobile Authentication (IB Key) Use
#: Without Notifications"): the only mode a client may ask for; a push is the default where one can go.
ChallengeMode = Literal["challenge"]


#: :func:`check_mode`'s rule for the document, beside a body's other rules (its own keyword, so a body's
#: ``if``/``then`` stays its own): a ``mode`` that is no null goes with ``"type": "ibkey"``.
MODE_NEEDS_IBKEY: dict[str, Any] = {
    "dependentSchemas": {
        "mode": {
            "anyOf": [
                {"properties": {"mode": {"type": "null"}}},
                {"required": ["type"], "properties": {"type": {"const": "ibkey"}}},
            ]
        }
    }
}


def check_mode(mode: str | None, type_: str | None) -> None:
    """Only IB Key has a mode to choose, so ``mode`` without ``"type": "ibkey"`` is refused rather than
    ignored (a client would believe it was obeyed)."""
    if mode is not None and type_ != "ibkey":
        raise InvalidRequest('mode is for IB Key: send it with "type": "ibkey"', field="mode")


class LoginRequest(Request):
    """The password step. A wrong password and an unknown user get the same answer."""

    username: str = Field(min_length=1, max_length=128, description="Case-insensitive.")
    password: Password


class Factor(TypedDict):
    """The second factor selected for this step, with what the login page shows."""

    type: Annotated[
        FactorType,
        Field(description="The authenticator's type: what to prompt for and what `/verify` takes."),
    ]
    device_id: DeviceId
    challenge: NotRequired[
        Annotated[SixDigits, Field(description="dscplus, ibkey challenge mode: the 6 digits to key in.")]
    ]
    mode: NotRequired[
        Annotated[Literal["push", "challenge"], Field(description="ibkey: approve in the app, or type.")]
    ]
    match: NotRequired[
        Annotated[str, Field(description="ibkey push: the number the user must pick in the app.")]
    ]
    reason: NotRequired[
        Annotated[
            Literal["requested", "roaming", "notifications_off", "push_limited"],
            Field(
                description="ibkey challenge mode: why no push was sent (asked for; the phone roams; "
                "notifications are off; SLS_PUSH_LIMIT pushes were sent in the window)."
            ),
        ]
    ]
    sent_to: NotRequired[Annotated[Masked, Field(description="sms, voice: where the code went.")]]
    channel: NotRequired[Annotated[Literal["voice"], Field(description="voice: the code is read out.")]]
    digits: NotRequired[Annotated[Literal[6, 8], Field(description="totp: how many digits the app shows.")]]
    period: NotRequired[Annotated[int, Field(ge=15, le=120, description="totp: seconds each code lasts.")]]
    expires_at: NotRequired[Annotated[UnixTime, Field(description="temporary: when the passcode lapses.")]]


class FactorOption(TypedDict):
    """One of the user's usable authenticators (M2FS): what to pass to `/factor` to switch to it."""

    type: Annotated[FactorType, Field(description="Its type: send it, with `device_id`, to `/factor`.")]
    device_id: DeviceId
    label: Annotated[
        Label | None,
        Field(description="The name the user sees for it on the login page; null when it has none."),
    ]


class LoginStarted(TypedDict):
    """The password was right; a second factor is now required."""

    state: Annotated[
        Literal["second_factor"],
        Field(description="Always `second_factor`: answer `factor`'s prompt at `/verify`, or poll it."),
    ]
    txn_id: Annotated[str, Field(description="The login transaction, for /verify, /factor and polling.")]
    expires_at: Annotated[UnixTime, Field(description="When the prompt expires (answers count before it).")]
    factor: Annotated[
        Factor, Field(description="The factor prompted first (the user's default), with what to show.")
    ]
    factors: Annotated[list[FactorOption], Field(description="Every usable authenticator of the user.")]
    login_token: Annotated[
        str,
        Field(
            description=f"Binds the login to this client: send it as `{LOGIN_TOKEN_HEADER}` on every call on "
            f"`txn_id` (browsers get it as the `{LOGIN_COOKIE}` cookie too)."
        ),
    ]


class FactorSwitchRequest(Request):
    """Another of the user's factors, or a new code on the same one."""

    model_config = ConfigDict(json_schema_extra=MODE_NEEDS_IBKEY)

    type: FactorType = Field(description="The authenticator type, as in `factors`.")
    device_id: DeviceRef | None = Field(
        None, description="Which authenticator of that type; the first usable one when absent or null."
    )
    mode: ChallengeMode | None = Field(
        None,
        description="ibkey: `challenge` asks for the app's Challenge/Response method instead of a push, as "
        "the broker offers a phone that does not receive IBKR Mobile notifications (`reason: requested`).",
    )

    @model_validator(mode="after")
    def _mode_is_ibkeys(self) -> Self:
        check_mode(self.mode, self.type)
        return self


class FactorSwitched(TypedDict):
    """The new prompt; the attempt count carries over."""

    txn_id: Annotated[str, Field(description="The same login transaction.")]
    expires_at: Annotated[
        UnixTime, Field(description="When the new prompt expires (answers count before it).")
    ]
    factor: Annotated[Factor, Field(description="The factor switched to, with its new prompt.")]


_KEY_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,31}")


class VerifyRequest(Request):
    """The answer to the prompt. Other keys are ignored rather than refused: whatever a client sends beside
    the response (a claimed time, say) changes nothing, since only the server's clock counts."""

    model_config = ConfigDict(extra="ignore")

    response: str = Field(
        min_length=1,
        max_length=64,
        description="What the authenticator shows: 8 digits for a DSC+ card or IB Key, 6 for an SMS or "
        "voice code, 6 or 8 for a TOTP app, 10 letters and digits for a temporary passcode.",
        examples=["12345678"],
    )

    @model_validator(mode="before")
    @classmethod
    def _answer_under_another_name(cls, data: Any) -> Any:
        """Without a ``response`` but with other keys (``{"code": "123456"}``), the 400 names what it did
        not read: "response is required" beside a body that plainly held a code left its author guessing."""
        if isinstance(data, dict) and "response" not in data and data:
            # Only a key that reads as a name is echoed: a key that is the code itself is no name to show.
            names = [repr(key) for key in data if isinstance(key, str) and _KEY_NAME.fullmatch(key)][:5]
            verb = "is" if len(names) == 1 else "are"
            unread = f"this body's {', '.join(names)} {verb}" if names else "this body's other keys are"
            raise InvalidRequest(
                f"response is required: the answer goes in response, and {unread} not read", field="response"
            )
        return data


class Authenticated(TypedDict):
    """Logged in: a session, also set as a cookie."""

    state: Annotated[Literal["authenticated"], Field(description="Always `authenticated`: logged in.")]
    session: Annotated[
        SessionToken,
        Field(description="The new session: its token (also set as the session cookie) and when it ends."),
    ]


class LoginStatus(TypedDict):
    """Where a login stands. Once an app approved it, the first poll is `authenticated` with the session."""

    state: Annotated[
        Literal["pending", "authenticated", "denied", "expired"],
        Field(
            description="`pending`: waiting for the answer (the app's approval, or a typed code) until "
            "`expires_at`. `authenticated`: logged in; the first poll after the app's approval carries "
            "`session`, later ones do not. `denied`: the user tapped Deny in the app; the login is over for "
            "good (its polls say `denied` even past `expires_at`), with no `reason`, and a factor switch on "
            "it answers 401 `push_denied`: start a new one. `expired`: over without a session: its time "
            "ran out or, with `reason`, something ended it early. There is no `approved`: the poll that "
            "finds the app's approval collects it, as `authenticated`."
        ),
    ]
    txn_id: Annotated[str, Field(description="The login transaction polled.")]
    expires_at: Annotated[UnixTime, Field(description="When the prompt expires (answers count before it).")]
    factor: Annotated[FactorType, Field(description="The type of the factor prompted now.")]
    reason: NotRequired[
        Annotated[
            Literal["too_many_wrong_responses", "account_disabled", "too_many_switches", "device_revoked"],
            Field(
                description="Why the transaction ended early (`device_revoked`: an app approval the poll had "
                "not collected yet when its IB Key was revoked or replaced by a new phone's)."
            ),
        ]
    ]
    session: NotRequired[
        Annotated[SessionToken, Field(description="The first poll after an approval: the session, once.")]
    ]
