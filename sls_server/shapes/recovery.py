"""A forgotten password (``/api/v1/auth/recovery``): the username, the code texted to the account's phone,
the second factor on another authenticator, the new password. Each call after the first carries the
``recovery_token`` the first answered."""

from typing import Annotated, Literal, NotRequired

from pydantic import Field, with_config
from typing_extensions import TypedDict

from .common import (
    Password,
    Refusal,
    Request,
    SessionsEndedCount,
    UnixTime,
    Username,
    UsernameInput,
    by_state,
)
from .login import Factor, FactorOption

RecoveryToken = Annotated[
    str,
    Field(
        min_length=16, max_length=64, pattern=r"^[A-Za-z0-9_-]+$", description="What the first call answered."
    ),
    Refusal("must be the recovery_token the first call answered"),
]


class RecoveryStart(Request):
    username: UsernameInput


class RecoveryStarted(TypedDict):
    """The same for every well-formed name: whether it is a user's, and whether a text went, is not said."""

    state: Annotated[
        Literal["code_sent"], Field(description="Always `code_sent`, whether or not a text went.")
    ]
    recovery_token: Annotated[
        str, Field(description="Send it with every later call; it lives until `expires_at`.")
    ]
    expires_at: Annotated[UnixTime, Field(description="The code is good before this instant.")]


class RecoveryCode(Request):
    recovery_token: RecoveryToken
    code: Annotated[str, Refusal("must be the 6 digits texted to the account's phone")] = Field(
        pattern=r"^[0-9]{6}$", description="The code texted to the account's phone."
    )


class RecoveryStep(TypedDict):
    """The second factor, on an authenticator other than the phone the code went to."""

    state: Annotated[
        Literal["second_factor"], Field(description="Always `second_factor`: answer `factor`'s prompt.")
    ]
    txn_id: Annotated[
        str, Field(description="Names the step, as the IB Key notification does; answer it with the token.")
    ]
    expires_at: Annotated[UnixTime, Field(description="When the prompt expires.")]
    factor: Annotated[Factor, Field(description="The factor prompted, with what to show.")]
    factors: Annotated[
        list[FactorOption],
        Field(description="The user's authenticators a recovery may use (never SMS or voice)."),
    ]


class RecoveryChallenge(Request):
    recovery_token: RecoveryToken


class RecoverySwitched(TypedDict):
    """The step's new prompt: IB Key's Challenge Code in place of its push."""

    state: Annotated[
        Literal["second_factor"], Field(description="Always `second_factor`: answer `factor`'s prompt.")
    ]
    txn_id: Annotated[str, Field(description="The step, the same one as before the switch.")]
    expires_at: Annotated[UnixTime, Field(description="When the Challenge Code expires.")]
    factor: Annotated[
        Factor, Field(description="`mode: challenge` with the `challenge` to type into IBKR Mobile.")
    ]


class RecoveryVerify(Request):
    recovery_token: RecoveryToken
    response: str | None = Field(
        None, max_length=64, description="What the authenticator shows; omit to poll an app approval."
    )


@with_config(by_state({"verified": ("valid_until",)}))
class RecoveryVerified(TypedDict):
    state: Annotated[
        Literal["verified", "pending", "denied", "expired"],
        Field(
            description="`verified`: set the new password before `valid_until`. A poll: `pending` while the "
            "app has not answered, `denied` or `expired` when the recovery is over (start again)."
        ),
    ]
    valid_until: NotRequired[UnixTime]


class RecoveryPassword(Request):
    recovery_token: RecoveryToken
    new_password: Password = Field(description="The password from now on (the policy a new user's meets).")


class RecoveryDone(TypedDict):
    """The new password is the account's; every session and login in progress ended; the phone was told."""

    state: Annotated[
        Literal["changed"], Field(description="Always `changed`: log in with the new password from now on.")
    ]
    username: Username
    sessions_ended: SessionsEndedCount
    logins_ended: Annotated[
        int, Field(ge=0, description="How many logins of the user waiting on their second factor were ended.")
    ]
