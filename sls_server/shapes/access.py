"""IP restrictions: a user's own allowlist, multi-user accounts and theirs (``/admin/v1/.../ip-allowlist``,
``/admin/v1/accounts``), and the user's own view and change of theirs (``/api/v1/account/ip-allowlist``). The
core parses and normalises the entries; here are their outer limits."""

from typing import Annotated

from pydantic import Field
from typing_extensions import TypedDict

from .common import ACCOUNT_ID_PATTERN, Refusal, Request, UnixTime, Username, UsernameInput

MAX_ENTRIES = 1000
MAX_ENTRY_CHARS = 100
MAX_ACCOUNT_USERS = 1000

IpAllowlistEntries = Annotated[
    list[
        Annotated[
            str,
            Field(
                description="An IPv4 or IPv6 address or CIDR range.",
                examples=["203.0.113.0/24", "2001:db8::/32", "198.51.100.7"],
                json_schema_extra={"maxLength": MAX_ENTRY_CHARS},
            ),
        ]
    ],
    Field(
        max_length=MAX_ENTRIES,
        description="IP addresses and CIDR ranges. Normalised when stored (host bits cleared, single hosts "
        "as bare addresses, IPv4-mapped IPv6 as IPv4, duplicates dropped); empty means unrestricted. One bad "
        "entry is a 400 `invalid_request` with `field: ip_allowlist`, its `index` and `entry` (several: each "
        "in `problems`), and nothing is stored.",
    ),
]
AccountId = Annotated[
    str,
    Field(
        pattern=ACCOUNT_ID_PATTERN,
        description="Letters, digits, `.`, `_`, `-`; case-sensitive.",
        examples=["U1234567"],
    ),
    Refusal("must be 1-64 characters: letters, digits, '.', '_' or '-', starting with a letter or digit"),
]


class IpAllowlist(Request):
    ip_allowlist: IpAllowlistEntries


class UserIpAllowlist(TypedDict):
    """A user's own list, and the account whose list also applies."""

    username: Username
    ip_allowlist: Annotated[
        list[str],
        Field(description="The user's own addresses and ranges (IP Restrictions); empty: off."),
    ]
    account_id: Annotated[str | None, Field(description="The user's account, whose list also applies.")]


class OwnIpRestrictions(UserIpAllowlist):
    """The user's own list (empty: IP Restrictions off), their account's, and where this request came from."""

    account_ip_allowlist: Annotated[
        list[str],
        Field(
            description="The list of the user's account (set by its administrator; empty: none): an "
            "address must pass both."
        ),
    ]
    your_address: Annotated[
        str | None,
        Field(
            description="The address this request came from, as the server reads it (a list must hold it)."
        ),
    ]


class AccountCreate(Request):
    account_id: AccountId
    users: list[UsernameInput] | None = Field(
        None, max_length=MAX_ACCOUNT_USERS, description="Existing users; each may be in one account only."
    )
    ip_allowlist: IpAllowlistEntries | None = Field(None, description="Null or absent: unrestricted.")


class Account(TypedDict):
    """A multi-user account: its list applies to every user in it."""

    account_id: Annotated[str, Field(pattern=ACCOUNT_ID_PATTERN)]
    users: Annotated[list[Username], Field(description="Sorted.")]
    ip_allowlist: list[str]
    created_at: Annotated[UnixTime, Field(description="When it was created.")]


class AccountUserAdd(Request):
    username: UsernameInput


class AccountList(TypedDict):
    accounts: Annotated[
        list[Account], Field(description="Every account, by id; an account may have no users.")
    ]


class AccountDeleted(TypedDict):
    """The account gone; its former users stay, each with their own list, in no account."""

    deleted: Annotated[str, Field(pattern=ACCOUNT_ID_PATTERN, description="The account's id.")]
    users: Annotated[list[Username], Field(description="Who was in it (sorted): no longer in any account.")]
