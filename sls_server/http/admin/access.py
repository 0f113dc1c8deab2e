"""``/admin/v1`` routes for IP restrictions: users' and accounts' allowlists, accounts listed, created and
deleted, account membership.

Registered on the admin blueprint, so its bearer-token guard applies. The shapes bound the lists; the core
parses and normalises the entries, and refuses a bad one before anything is stored.
"""

from __future__ import annotations

from flask.typing import ResponseReturnValue

from ...accounts import rules
from ...accounts.errors import (
    AccountExists,
    AccountMadeAgain,
    UnknownAccount,
    UserInAnotherAccount,
    UserNotFound,
    UserNotInAccount,
)
from ...errors import InvalidRequest
from ...shapes.access import (
    Account,
    AccountCreate,
    AccountDeleted,
    AccountList,
    AccountUserAdd,
    IpAllowlist,
    UserIpAllowlist,
)
from ..common import core, now
from ..operations import operation
from . import bp
from .users import USER_ERRORS

ACCOUNT_ERRORS = (InvalidRequest, UnknownAccount)
ALLOWLIST_NOTE = (
    "Entries are IPv4/IPv6 addresses or CIDR ranges, at most 1000; they are normalised (host bits cleared, "
    "single hosts as bare addresses, IPv4-mapped IPv6 as IPv4, duplicates dropped). One bad entry is a 400 "
    "`invalid_request` with `field: ip_allowlist`, its `index` and `entry`, and nothing is stored. An empty "
    "list lifts the restriction. Several bad entries are each listed in `problems`, with their `index`."
)


@operation(
    bp,
    "get",
    "/users/<username>/ip-allowlist",
    summary="Read a user's own IP allowlist",
    ok=UserIpAllowlist,
    returns="The user's list and their account.",
    errors=USER_ERRORS,
)
def get_user_ip_allowlist(username: str) -> ResponseReturnValue:
    name = core().users.get(username).username
    return core().ip_rules.user_allowlist(name)


@operation(
    bp,
    "put",
    "/users/<username>/ip-allowlist",
    summary="Replace a user's own IP allowlist",
    body=IpAllowlist,
    ok=UserIpAllowlist,
    returns="The list as stored, normalised.",
    errors=USER_ERRORS,
    rules=rules.allowlist,
    description="Logins and every session request are then allowed only from these addresses (and, if the "
    "user belongs to an account with a list, from the account's too). " + ALLOWLIST_NOTE,
)
def set_user_ip_allowlist(username: str, body: IpAllowlist) -> ResponseReturnValue:
    name = core().users.get(username).username
    return core().ip_rules.set_user_allowlist(name, body.ip_allowlist, now=now())


@operation(
    bp,
    "get",
    "/accounts",
    summary="List the multi-user accounts",
    ok=AccountList,
    returns="Every account with its users and list, by id.",
)
def list_accounts() -> ResponseReturnValue:
    return {"accounts": core().ip_rules.accounts()}


@operation(
    bp,
    "post",
    "/accounts",
    summary="Create a multi-user account",
    body=AccountCreate,
    ok=Account,
    status=201,
    returns="The new account.",
    errors=(UserNotFound, AccountExists, UserInAnotherAccount, UnknownAccount),
    rules=rules.new_account,
    description="The account's IP allowlist applies to all its users; a user's own list narrows it (an "
    "address must pass both). A user belongs to at most one account; an account may have none. 404 "
    "`unknown_account` only if the account was deleted while it was being created. " + ALLOWLIST_NOTE,
    links={
        name: {"account_id": "response.account_id"}
        for name in ("get_account", "set_account_ip_allowlist", "add_account_user", "delete_account")
    },
)
def create_account(body: AccountCreate) -> ResponseReturnValue:
    return core().ip_rules.create_account(
        body.account_id, body.users or [], body.ip_allowlist or [], now=now()
    )


@operation(
    bp,
    "get",
    "/accounts/<account_id>",
    summary="Read an account",
    ok=Account,
    returns="The account, its users and its list.",
    errors=ACCOUNT_ERRORS,
)
def get_account(account_id: str) -> ResponseReturnValue:
    return core().ip_rules.account(account_id)


@operation(
    bp,
    "delete",
    "/accounts/<account_id>",
    summary="Delete an account",
    ok=AccountDeleted,
    returns="Deleted: the account's list no longer applies to its former users, who keep their own lists.",
    errors=ACCOUNT_ERRORS,
)
def delete_account(account_id: str) -> ResponseReturnValue:
    return core().ip_rules.delete_account(account_id, now=now())


@operation(
    bp,
    "put",
    "/accounts/<account_id>/ip-allowlist",
    summary="Replace an account's IP allowlist",
    body=IpAllowlist,
    ok=Account,
    returns="The account with its new list.",
    errors=ACCOUNT_ERRORS,
    rules=rules.allowlist,
    description=ALLOWLIST_NOTE,
)
def set_account_ip_allowlist(account_id: str, body: IpAllowlist) -> ResponseReturnValue:
    return core().ip_rules.set_account_allowlist(account_id, body.ip_allowlist, now=now())


@operation(
    bp,
    "post",
    "/accounts/<account_id>/users",
    summary="Add a user to an account",
    body=AccountUserAdd,
    ok=Account,
    returns="The account with the user among its users (adding a member again is a no-op).",
    errors=(*ACCOUNT_ERRORS, UserNotFound, UserInAnotherAccount, AccountMadeAgain),
)
def add_account_user(account_id: str, body: AccountUserAdd) -> ResponseReturnValue:
    return core().ip_rules.add_user_to_account(account_id, body.username, now=now())


@operation(
    bp,
    "delete",
    "/accounts/<account_id>/users/<username>",
    summary="Take a user out of an account",
    ok=Account,
    returns="The account without the user (it stays, with no users, when they were its last).",
    errors=(*ACCOUNT_ERRORS, UserNotFound, UserNotInAccount),
    description="The account's list no longer applies to the user; their own list stays. A user who is "
    "not in the account is a 404 `user_not_in_account` with `username` and `account_id`, and nothing "
    "changes.",
)
def remove_account_user(account_id: str, username: str) -> ResponseReturnValue:
    return core().ip_rules.remove_user_from_account(account_id, username, now=now())
