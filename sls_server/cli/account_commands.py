"""``sls account list|create|show|allowlist|add-user|remove-user|delete``: multi-user accounts and their IP
allowlists (admin API).

An account groups several traders: its allowlist applies to every user in it, and a user's own list
(``sls user allowlist``) narrows it further, as at the broker ("these restrictions can be set at the
individual trader level").
"""

from __future__ import annotations

from typing import Any

import click

from .admin_client import segment
from .admin_commands import admin_options, call, when
from .output import HelpGroup, fields_table, note, print_json, print_renderable, table
from .protect_commands import allowlist_arguments, allowlist_change
from .reading import confirm


@click.group(cls=HelpGroup)
def account() -> None:
    """Multi-user accounts and their IP allowlists (admin API).

    \b
    Examples:
      sls account create U1234567 --user carol --user dave --allow 203.0.113.0/24
      sls account list
      sls account remove-user U1234567 dave
      sls account delete U1234567 --yes
    """


def print_account(result: dict[str, Any], as_json: bool, title: str | None = None) -> None:
    if as_json:
        print_json(result)
        return
    allowed = result.get("ip_allowlist") or []
    shown = {
        "account_id": result.get("account_id"),
        "users": ", ".join(result.get("users") or []) or "none",
        "ip_allowlist": allowed or "unrestricted",
        "created": when(result.get("created_at")),
    }
    print_renderable(fields_table(title or f"account {result.get('account_id')}", shown))


@account.command("list")
@admin_options
def list_accounts(url: str | None, admin_token: str | None, as_json: bool) -> None:
    """List the accounts with their users and allowlists (GET /admin/v1/accounts).

    \b
    Example:
      sls account list
    """
    result = call(url, admin_token, "GET", "/admin/v1/accounts")
    if as_json:
        print_json(result)
        return
    accounts = result.get("accounts") or []
    rows = [
        [
            a.get("account_id"),
            ", ".join(a.get("users") or []) or "none",
            ", ".join(a.get("ip_allowlist") or []) or "unrestricted",
            when(a.get("created_at"), short=True),
        ]
        for a in accounts
    ]
    columns = ["account_id", "users", "ip_allowlist", "created (UTC)"]
    print_renderable(table(f"{len(accounts)} account(s)", columns, rows, wrap=["users", "ip_allowlist"]))
    if not accounts:
        note("no accounts yet (sls account create ID --user USER)")


@account.command("create")
@click.argument("account_id")
@click.option(
    "--user", "users", multiple=True, metavar="USERNAME", help="A user of the account (repeatable)."
)
@click.option("--allow", "allowlist", multiple=True, metavar="CIDR", help="An allowed range (repeatable).")
@admin_options
def create(
    account_id: str,
    users: tuple[str, ...],
    allowlist: tuple[str, ...],
    url: str | None,
    admin_token: str | None,
    as_json: bool,
) -> None:
    """Create an account of existing users, optionally IP-restricted (POST /admin/v1/accounts).

    \b
    Example:
      sls account create U1234567 --user carol --user dave --allow 203.0.113.0/24 --allow 127.0.0.1
    """
    body = {"account_id": account_id, "users": list(users), "ip_allowlist": list(allowlist)}
    print_account(call(url, admin_token, "POST", "/admin/v1/accounts", body), as_json, "account created")


@account.command("show")
@click.argument("account_id")
@admin_options
def show(account_id: str, url: str | None, admin_token: str | None, as_json: bool) -> None:
    """An account's users and allowlist (GET /admin/v1/accounts/<account_id>).

    \b
    Example:
      sls account show U1234567
    """
    print_account(call(url, admin_token, "GET", f"/admin/v1/accounts/{segment(account_id)}"), as_json)


@account.command("allowlist")
@click.argument("account_id")
@allowlist_arguments("Remove every entry: the account is unrestricted again.")
@admin_options
def allowlist(
    account_id: str,
    entries: tuple[str, ...],
    clear: bool,
    url: str | None,
    admin_token: str | None,
    as_json: bool,
) -> None:
    """Replace the addresses an account's users may log in from.

    PUT /admin/v1/accounts/<account_id>/ip-allowlist; with no ENTRIES (and no --clear) it shows the account.

    \b
    Examples:
      sls account allowlist U1234567 203.0.113.0/24 2001:db8::/32
      sls account allowlist U1234567 --clear
    """
    change = allowlist_change(entries, clear)
    path = f"/admin/v1/accounts/{segment(account_id)}"
    if change is None:
        result = call(url, admin_token, "GET", path)
    else:
        result = call(url, admin_token, "PUT", f"{path}/ip-allowlist", change)
    print_account(result, as_json)


@account.command("add-user")
@click.argument("account_id")
@click.argument("username")
@admin_options
def add_user(account_id: str, username: str, url: str | None, admin_token: str | None, as_json: bool) -> None:
    """Add an existing user to an account (POST /admin/v1/accounts/<account_id>/users).

    \b
    Example:
      sls account add-user U1234567 erin
    """
    path = f"/admin/v1/accounts/{segment(account_id)}/users"
    print_account(call(url, admin_token, "POST", path, {"username": username}), as_json)


@account.command("remove-user")
@click.argument("account_id")
@click.argument("username")
@admin_options
def remove_user(
    account_id: str, username: str, url: str | None, admin_token: str | None, as_json: bool
) -> None:
    """Take a user out of an account (DELETE /admin/v1/accounts/<account_id>/users/<username>).

    The account's allowlist no longer applies to them; their own stays. The account stays too, with no
    users if they were its last. A user not in the account is refused (user_not_in_account).

    \b
    Example:
      sls account remove-user U1234567 erin
    """
    path = f"/admin/v1/accounts/{segment(account_id)}/users/{segment(username)}"
    result = call(url, admin_token, "DELETE", path)
    print_account(
        result, as_json, f"{username.strip().lower()} taken out of account {result.get('account_id')}"
    )


@account.command("delete")
@click.argument("account_id")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@admin_options
def delete(account_id: str, yes: bool, url: str | None, admin_token: str | None, as_json: bool) -> None:
    """Delete an account (DELETE /admin/v1/accounts/<account_id>).

    Its allowlist no longer applies to its users, who stay, each with their own allowlist, in no account.

    \b
    Example:
      sls account delete U1234567 --yes
    """
    if not yes:
        confirm(f"Delete account {account_id}? Its users stay, with their own allowlists.")
    result = call(url, admin_token, "DELETE", f"/admin/v1/accounts/{segment(account_id)}")
    if as_json:
        print_json(result)
        return
    former = ", ".join(result.get("users") or []) or "none"
    click.echo(f"deleted account {result.get('deleted', account_id)} (its former users: {former})")
