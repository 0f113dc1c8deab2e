"""``sls user add|list|show|delete|phone``: the users of a running server, over the admin API.

The account protections on a user (lockout, disable, allowlist) are in ``protect_commands``.
"""

from __future__ import annotations

from typing import Any

import click

from . import demofile, world_marks
from .admin_client import segment
from .admin_commands import admin_options, call, connect, readable, show_record, user, when
from .device_commands import state_words
from .output import fields_table, print_json, print_renderable, table
from .protect_commands import show_lockout
from .reading import ask, confirm
from .server_errors import server_errors


def print_user(record: dict[str, Any], title: str, access: dict[str, Any] | None = None) -> None:
    """The user; ``access``: their IP allowlist and account (GET .../ip-allowlist), where it was read."""
    shown: dict[str, Any] = {
        "username": record.get("username"),
        "phone": record.get("phone"),
        "created": when(record.get("created_at")),
        "disabled": record.get("disabled"),
        "paper": record.get("paper"),
        "devices": len(record.get("devices") or []),
    }
    if access is not None:
        shown["IP allowlist"] = ", ".join(access.get("ip_allowlist") or []) or "none (any address)"
        if access.get("account_id"):
            shown["account"] = f"{access['account_id']} (its allowlist applies too)"
    print_renderable(fields_table(title, shown))
    devices = record.get("devices") or []
    if devices:
        rows = [[d.get("device_id"), d.get("type"), d.get("status"), state_words(d)] for d in devices]
        print_renderable(table(None, ["device_id", "type", "status", "state"], rows))


@user.command("add")
@click.argument("username")
@click.option("--password", help="The user's password; prompted for (twice, hidden) when not given.")
@click.option("--phone", metavar="+E164", help="Phone number for SMS and voice codes, e.g. +15551234567.")
@click.option(
    "--allow", "allowlist", multiple=True, metavar="CIDR", help="Restrict logins to this range (repeatable)."
)
@click.option("--paper", is_flag=True, help="A paper trading user (gateway mode's page wants paper mode).")
@click.option(
    "--no-sms",
    "no_sms",
    is_flag=True,
    help="No SMS authenticator on --phone (by default it is enrolled, as at the broker's account opening).",
)
@admin_options
def add_user(
    username: str,
    password: str | None,
    phone: str | None,
    allowlist: tuple[str, ...],
    paper: bool,
    no_sms: bool,
    url: str | None,
    admin_token: str | None,
    as_json: bool,
) -> None:
    """Create a user (POST /admin/v1/users). With --phone the user gets an SMS authenticator on it at once,
    as the broker enrols SMS at account opening; --no-sms leaves the user without one.

    \b
    Examples:
      sls user add carol                       # prompts for the password
      sls user add carol --password 'plum-sketch-harbour-9' --phone +15551234567
      sls user add erin --password 'plum-sketch-harbour-9' --phone +15551234568 --no-sms
      sls user add dave --password 'quartz-meadow-lantern-3' --allow 203.0.113.0/24
    """
    if password is None:
        password = ask("Password", instead="give --password", hide_input=True, twice=True)
    client = connect(url, admin_token)
    with server_errors():
        created = client.create_user(
            username, password, phone, list(allowlist), paper=paper, sms=False if no_sms else None
        )
    if as_json:
        print_json(created)
    else:
        print_user(created, f"user {created.get('username', username)} created")


@user.command("list")
@admin_options
def list_users(url: str | None, admin_token: str | None, as_json: bool) -> None:
    """List the usernames (GET /admin/v1/users).

    \b
    Example:
      sls user list
    """
    result = call(url, admin_token, "GET", "/admin/v1/users")
    if as_json:
        print_json(result)
        return
    names = result.get("users") or []
    print_renderable(table(f"{len(names)} user(s)", ["username"], [[name] for name in names]))


@user.command("show")
@click.argument("username")
@admin_options
def show_user(username: str, url: str | None, admin_token: str | None, as_json: bool) -> None:
    """A user, their phone, IP allowlist, devices and lockout (GET /admin/v1/users/<username>,
    .../ip-allowlist, .../lockout: failures and locks, as `sls user lockout` shows them; --json: the user
    alone).

    \b
    Example:
      sls user show carol
    """
    result = call(url, admin_token, "GET", f"/admin/v1/users/{segment(username)}")
    if as_json:
        print_json(result)
    else:
        access = call(url, admin_token, "GET", f"/admin/v1/users/{segment(username)}/ip-allowlist")
        print_user(result, f"user {result.get('username', username)}", access)
        show_lockout(call(url, admin_token, "GET", f"/admin/v1/users/{segment(username)}/lockout"), False)


@user.command("delete")
@click.argument("username")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@admin_options
def delete_user(username: str, yes: bool, url: str | None, admin_token: str | None, as_json: bool) -> None:
    """Delete a user with their devices, sessions and lockout state (DELETE /admin/v1/users/<username>).

    A card merely shared with the user stays its owner's. Sent again for a user whose deletion was cut
    short (the server's worker killed after the user's record went), it finishes that deletion.

    \b
    Example:
      sls user delete carol --yes
    """
    if not yes:
        confirm(f"Delete {username}, their devices and sessions?")
    result = call(url, admin_token, "DELETE", f"/admin/v1/users/{segment(username)}")
    if as_json:
        print_json(result)
    else:
        click.echo(f"deleted {result.get('deleted', username)}")


@user.command("phone")
@click.argument("username")
@click.argument("number", metavar="+E164")
@admin_options
def set_phone(username: str, number: str, url: str | None, admin_token: str | None, as_json: bool) -> None:
    """Give a user a phone number, or a new one (PUT /admin/v1/users/<username>/phone).

    SMS and voice codes, IB Key activation codes and security notices go there. The user changing their
    own number (after a step-up) is `sls change-phone`.

    \b
    Example:
      sls user phone carol +15555550123
    """
    result = call(url, admin_token, "PUT", f"/admin/v1/users/{segment(username)}/phone", {"phone": number})
    name, now_at = str(result.get("username") or username), str(result.get("phone") or number)
    if demofile.remember_phone(connect(url, admin_token).url, name, now_at):
        click.echo(f"demo.json now holds {name}'s new number: --auto reads codes off it", err=True)
    if as_json:
        print_json(result)
        return
    shown = {k: v for k, v in result.items() if k != "devices"}  # whatever the route answers, minus lists
    print_renderable(fields_table(f"{result.get('username', username)}'s phone", readable(shown)))


@user.command("password")
@click.argument("username")
@click.option(
    "--password", metavar="PASSWORD", help="The new password; prompted for twice (hidden) when not given."
)
@click.option("--keep-sessions", is_flag=True, help="Leave the user's live sessions as they are.")
@admin_options
def set_password(
    username: str,
    password: str | None,
    keep_sessions: bool,
    url: str | None,
    admin_token: str | None,
    as_json: bool,
) -> None:
    """Set a user's password, as Client Services resets one (PUT /admin/v1/users/<username>/password).

    No current password is asked; the policy applies. The user's logins in progress end, and their live
    sessions too unless --keep-sessions; their phone gets a notice. A demo user's new password is written
    into demo.json, so `--auto` logins go on working. The user changing their own (after a step-up) is `sls
    change-password`.

    \b
    Examples:
      sls user password card-carl                        # prompts twice
      sls user password card-carl --password 'violet-harbour-lantern-42'
    """
    if password is None:
        password = ask(
            f"New password for {username}", instead="--password PASSWORD", hide_input=True, twice=True
        )
    body = {"password": password, "end_sessions": not keep_sessions}
    result = call(url, admin_token, "PUT", f"/admin/v1/users/{segment(username)}/password", body)
    admin = connect(url, admin_token)
    mark = world_marks.password_mark(admin, result["username"])
    if demofile.remember_password(admin.url, result["username"], password, mark=mark):
        click.echo(
            f"demo.json now holds {result['username']}'s new password: --auto logs in with it", err=True
        )
    show_record(result, f"{result['username']}'s password set", as_json)
