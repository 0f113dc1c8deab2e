"""OpenAPI operations of the account protections: lockout, disabling, IP allowlists and accounts."""

from __future__ import annotations

from typing import Any

from ...accounts.access import AccountExists, UnknownAccount, UserInAnotherAccount
from ...errors import InvalidRequest, UnknownDevice, UnknownUser
from .build import USER_ERRORS, ok, op
from .schemas import ACCOUNT_ID, USERNAME, Schema, array, boolean, integer, obj, ref, string, unix_time

Operation = tuple[str, str, dict[str, Any]]

SCHEMAS: dict[str, Schema] = {
    "IpAllowlist": obj({"ip_allowlist": ref("IpAllowlistEntries")}),
    "UserIpAllowlist": obj(
        {
            "username": USERNAME,
            "ip_allowlist": ref("IpAllowlistEntries"),
            "account_id": string("The user's account, whose list also applies.", nullable=True),
        }
    ),
    "AccountCreate": obj(
        {"account_id": ACCOUNT_ID},
        {
            "users": {
                **array(USERNAME, "Existing users; each may be in one account only."),
                "maxItems": 1000,
            },
            "ip_allowlist": ref("IpAllowlistEntries"),
        },
    ),
    "Account": obj(
        {
            "account_id": ACCOUNT_ID,
            "users": array(USERNAME, "Sorted."),
            "ip_allowlist": ref("IpAllowlistEntries"),
            "created_at": unix_time("When it was created"),
        },
        description="A multi-user account: its list applies to every user in it.",
    ),
    "AccountUserAdd": obj({"username": USERNAME}),
    "LockoutStatus": obj(
        {
            "username": USERNAME,
            "locked": boolean(),
            "threshold": integer(minimum=1, maximum=100),
            "buckets": {
                "type": "object",
                "description": "`all`, or `known`/`other` with SLS_LOCKOUT_KNOWN_IPS.",
                "additionalProperties": obj(
                    {
                        "failures": integer(minimum=0),
                        "locks": integer(minimum=0),
                        "locked": boolean(),
                        "permanent": boolean(),
                    },
                    {"retry_after": {"type": ["integer", "null"]}},
                ),
            },
        }
    ),
    "UserDisabled": obj(
        {"username": USERNAME, "disabled": boolean()}, {"sessions_ended": integer(minimum=0)}
    ),
}

_ALLOWLIST_NOTE = (
    "Entries are IPv4/IPv6 addresses or CIDR ranges, at most 1000; they are normalised "
    "(host bits cleared, single hosts as bare addresses, IPv4-mapped IPv6 as IPv4, duplicates "
    "dropped). One bad entry is a 400 `invalid_request` with `field: ip_allowlist`, its "
    "`index` and `entry`, and nothing is stored. An empty list lifts the restriction."
)


def ip_operations() -> list[Operation]:
    account_errors = (InvalidRequest, UnknownAccount)
    return [
        op(
            "get",
            "/admin/v1/users/{username}/ip-allowlist",
            "getUserIpAllowlist",
            "Read a user's own IP allowlist",
            ok("UserIpAllowlist", "The user's list and their account."),
            errors=USER_ERRORS,
        ),
        op(
            "put",
            "/admin/v1/users/{username}/ip-allowlist",
            "setUserIpAllowlist",
            "Replace a user's own IP allowlist",
            ok("UserIpAllowlist", "The list as stored, normalised."),
            body="IpAllowlist",
            errors=USER_ERRORS,
            description="Logins and every session request are then allowed only from these addresses (and, "
            "if the user belongs to an account with a list, from the account's too). " + _ALLOWLIST_NOTE,
        ),
        op(
            "post",
            "/admin/v1/accounts",
            "createAccount",
            "Create a multi-user account",
            ok("Account", "The new account.", status=201),
            body="AccountCreate",
            errors=(UnknownUser, AccountExists, UserInAnotherAccount),
            description="The account's IP allowlist applies to all its users; a user's own list narrows it "
            "(an address must pass both). A user belongs to at most one account. " + _ALLOWLIST_NOTE,
        ),
        op(
            "get",
            "/admin/v1/accounts/{account_id}",
            "getAccount",
            "Read an account",
            ok("Account", "The account, its users and its list."),
            errors=account_errors,
        ),
        op(
            "put",
            "/admin/v1/accounts/{account_id}/ip-allowlist",
            "setAccountIpAllowlist",
            "Replace an account's IP allowlist",
            ok("Account", "The account with its new list."),
            body="IpAllowlist",
            errors=account_errors,
            description=_ALLOWLIST_NOTE,
        ),
        op(
            "post",
            "/admin/v1/accounts/{account_id}/users",
            "addAccountUser",
            "Add a user to an account",
            ok("Account", "The account with the user among its users (adding a member again is a no-op)."),
            body="AccountUserAdd",
            errors=(*account_errors, UnknownUser, UserInAnotherAccount),
        ),
    ]


def lockout_operations() -> list[Operation]:
    return [
        op(
            "post",
            "/admin/v1/users/{username}/unlock",
            "unlockUser",
            "Unlock an account locked by failures",
            ok("LockoutStatus", "The lock state after unlocking."),
            errors=USER_ERRORS,
        ),
        op(
            "get",
            "/admin/v1/users/{username}/lockout",
            "getLockout",
            "Read an account's lock state",
            ok("LockoutStatus", "Failures, locks and any wait, per bucket."),
            errors=USER_ERRORS,
        ),
        op(
            "post",
            "/admin/v1/users/{username}/disable",
            "disableUser",
            "Disable a user",
            ok("UserDisabled", "Disabled; every session of the user ended."),
            errors=USER_ERRORS,
        ),
        op(
            "post",
            "/admin/v1/users/{username}/enable",
            "enableUser",
            "Enable a user",
            ok("UserDisabled", "Enabled again."),
            errors=USER_ERRORS,
        ),
        op(
            "post",
            "/admin/v1/devices/{device_id}/unlock",
            "unlockDevice",
            "Re-enable an authenticator disabled by wrong responses",
            ok("Device", "The device, its failure count zero."),
            errors=(UnknownDevice,),
        ),
    ]
