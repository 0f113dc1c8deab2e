"""``sls user unlock|lockout|disable|enable|allowlist``: the account protections on a user.

A device's own locks (disabled by wrong responses, a card locked by wrong PINs) are ``sls device
unlock|reset`` in ``device_state``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from .admin_client import segment
from .admin_commands import admin_options, call, show_record, user
from .output import print_json, print_renderable, table

F = TypeVar("F", bound=Callable[..., Any])


def _user_path(username: str, tail: str) -> str:
    return f"/admin/v1/users/{segment(username)}/{tail}"


def allowlist_arguments(clear_help: str, metavar: str | None = None) -> Callable[[F], F]:
    """ENTRIES and --clear, what :func:`allowlist_change` reads: the arguments of each command that shows or
    replaces an IP allowlist (a user's, an account's, the user's own); ``clear_help`` says what --clear
    leaves."""

    def declare(func: F) -> F:
        func = click.option("--clear", is_flag=True, help=clear_help)(func)
        return click.argument("entries", nargs=-1, metavar=metavar)(func)

    return declare


def allowlist_change(entries: tuple[str, ...], clear: bool) -> dict[str, Any] | None:
    """The body that replaces an IP allowlist (a user's, an account's, the user's own), or None when the
    command only shows it: ENTRIES, or --clear for an empty list, never both."""
    if clear and entries:
        raise click.UsageError("give entries or --clear, not both")
    return {"ip_allowlist": list(entries)} if clear or entries else None


def show_lockout(state: dict[str, Any], as_json: bool) -> None:
    """``sls user lockout``'s table; ``sls user show`` prints it too, so a locked account shows there."""
    if as_json:
        print_json(state)
        return
    rows = [
        [
            bucket,
            b["failures"],
            b["locks"],
            "permanent" if b["permanent"] else ("yes" if b["locked"] else "no"),
            b.get("retry_after") or "-",
        ]
        for bucket, b in state.get("buckets", {}).items()
    ]
    verdict = "LOCKED" if state["locked"] else "not locked"
    title = f"{state['username']}: {verdict} (threshold {state['threshold']})"
    print_renderable(table(title, ["bucket", "failures", "locks", "locked", "retry after (s)"], rows))


@user.command("lockout")
@click.argument("username")
@admin_options
def lockout(username: str, url: str | None, admin_token: str | None, as_json: bool) -> None:
    """Show failures and locks of an account (GET /admin/v1/users/<username>/lockout).

    \b
    Example:
      sls user lockout alice
    """
    show_lockout(call(url, admin_token, "GET", _user_path(username, "lockout")), as_json)


@user.command("unlock")
@click.argument("username")
@admin_options
def unlock(username: str, url: str | None, admin_token: str | None, as_json: bool) -> None:
    """Unlock an account locked by failed logins (POST /admin/v1/users/<username>/unlock).

    It also forgets failed sign-ins short of a lock (the console's Clear) and the count of earlier locks
    (each makes the next wait longer); it says which it did.

    \b
    Example:
      sls user unlock alice
    """
    before = call(url, admin_token, "GET", _user_path(username, "lockout"))
    after = call(url, admin_token, "POST", _user_path(username, "unlock"))
    if as_json:
        print_json(after)
        return
    click.echo(_unlocked(username, before))
    if after.get("locked") or after.get("buckets"):  # a lock the unlock could not lift: show what is left
        show_lockout(after, as_json=False)


def _unlocked(username: str, before: dict[str, Any]) -> str:
    """What the unlock changed, in a sentence: the state after it is always "not locked", which read as if
    there had been nothing to do."""
    buckets = list(before.get("buckets", {}).values())
    failures = sum(int(b.get("failures") or 0) for b in buckets)
    locks = sum(int(b.get("locks") or 0) for b in buckets)
    counts = [f"{failures} failed sign-in(s)"] * bool(failures)
    counts += [f"{locks} lock(s), so a next lock waits the shortest time"] * bool(locks)
    forgotten = f"; forgotten: {' and '.join(counts)}" if counts else ""
    if before.get("locked"):
        return f"Unlocked {username}: they may log in again{forgotten}."
    if counts:
        return f"{username} was not locked{forgotten}."
    return f"{username} was not locked and had no failed sign-ins: nothing changed."


@user.command("disable")
@click.argument("username")
@admin_options
def disable(username: str, url: str | None, admin_token: str | None, as_json: bool) -> None:
    """Refuse every login of a user and end their sessions (POST /admin/v1/users/<username>/disable).

    \b
    Example:
      sls user disable alice
    """
    result = call(url, admin_token, "POST", _user_path(username, "disable"))
    show_record(result, f"{username} disabled", as_json)


@user.command("enable")
@click.argument("username")
@admin_options
def enable(username: str, url: str | None, admin_token: str | None, as_json: bool) -> None:
    """Let a disabled user log in again (POST /admin/v1/users/<username>/enable).

    \b
    Example:
      sls user enable alice
    """
    result = call(url, admin_token, "POST", _user_path(username, "enable"))
    show_record(result, f"{username} enabled", as_json)


@user.command("allowlist")
@click.argument("username")
@allowlist_arguments("Remove every entry: the user may log in from anywhere again.")
@admin_options
def allowlist(
    username: str,
    entries: tuple[str, ...],
    clear: bool,
    url: str | None,
    admin_token: str | None,
    as_json: bool,
) -> None:
    """Show or replace the addresses a user may log in from (GET/PUT /admin/v1/users/<username>/ip-allowlist).

    With no ENTRIES it shows the list; with ENTRIES (IPv4/IPv6 addresses or CIDR ranges) it replaces it.

    \b
    Examples:
      sls user allowlist alice                              # show
      sls user allowlist alice 203.0.113.0/24 2001:db8::/32  # replace
      sls user allowlist alice --clear                      # unrestricted
    """
    change = allowlist_change(entries, clear)
    path = _user_path(username, "ip-allowlist")
    result = call(url, admin_token, "GET" if change is None else "PUT", path, change)
    if as_json:
        print_json(result)
        return
    listed = result.get("ip_allowlist") or []
    title = f"{username}: " + ("unrestricted" if not listed else f"{len(listed)} allowed range(s)")
    rows = [[entry] for entry in listed]
    if result.get("account_id"):
        title += f" (account {result['account_id']} may narrow further)"
    print_renderable(table(title, ["allowed"], rows))
