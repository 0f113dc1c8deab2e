"""Users as the admin creates, reads and deletes them (``/admin/v1/users``)."""

from typing import Annotated

from pydantic import Field
from typing_extensions import TypedDict

from .access import IpAllowlistEntries
from .common import NewUsername, Password, Phone, Request, SessionsEndedCount, UnixTime, Username
from .devices import Device


class UserCreate(Request):
    username: NewUsername
    password: Annotated[Password, Field(description="Checked against the password policy.")]
    phone: Phone | None = None
    ip_allowlist: IpAllowlistEntries | None = Field(None, description="Null or absent: unrestricted.")
    paper: bool = Field(
        False, description="A paper trading user (gateway mode's login page wants paper mode); default live."
    )
    known_ips: list[str] | None = Field(
        None,
        max_length=64,
        description="IP addresses the user has signed in from before, as if they had: a login from one is no "
        "new place (no sign-in notice). Each an IPv4 or IPv6 address; a bad one is a 400 `invalid_request` "
        "with `field: known_ips` and nothing is created.",
    )
    sms: bool | None = Field(
        None,
        description=(
            "The SMS authenticator the broker enrols automatically at account opening, on `phone`. "
            "Absent or null: enrolled when there is a phone; `false`: not (a test choosing its factors); "
            "`true` without a phone: 400 naming `sms`."
        ),
    )


PasswordVersion = Annotated[
    str,
    Field(
        description="A tag of the password the user has now: it changes with every new password (a change, a "
        "reset, a recovery) and comes back with a restored world; the same for every password never changed. "
        "Tells nothing of the password itself."
    ),
]


class User(TypedDict):
    username: Username
    phone: Annotated[str | None, Field(description="E.164; null when the user has none.")]
    created_at: Annotated[UnixTime, Field(description="When the user was created.")]
    disabled: bool
    paper: Annotated[bool, Field(description="A paper trading user; false: live.")]
    password_version: PasswordVersion
    devices: list[Device]


class UserList(TypedDict):
    users: Annotated[list[Username], Field(description="Every username.")]
    password_versions: Annotated[
        dict[Username, PasswordVersion],
        Field(
            description="Each user's `password_version`, by username, as `GET /admin/v1/users/<username>` "
            "shows it: `sls world` asks for every demo user's in this one call."
        ),
    ]
    phones: Annotated[
        dict[Username, str | None],
        Field(
            description="Each user's `phone` (E.164; null when the user has none), by username: `sls world` "
            "shows the number the server holds, changed outside sls or not, from this one call."
        ),
    ]


class UserDeleted(TypedDict):
    deleted: Username


class UserPasswordRequest(Request):
    """Client Services setting a new password: the policy a user's own choice meets, no current password."""

    password: Password = Field(description="The new password.")
    end_sessions: bool = Field(
        True, description="End every live session of the user with it (true when absent)."
    )


class UserPasswordReset(TypedDict):
    """Set: the user logs in with it from now on; their phone got a notice."""

    username: Username
    sessions_ended: SessionsEndedCount
    logins_ended: Annotated[
        int, Field(ge=0, description="Logins of the user waiting on their second factor that were ended.")
    ]


class UserPhoneRequest(Request):
    phone: Phone


class UserPhoneChanged(TypedDict):
    """The new number; SMS and voice devices moved to it, and both numbers got a notice."""

    username: Username
    phone: Annotated[str, Field(description="The new number.")]
    previous_phone: Annotated[str | None, Field(description="The number before, if there was one.")]
