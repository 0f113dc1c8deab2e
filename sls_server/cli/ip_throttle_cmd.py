"""``sls ip-throttle``: the per-address login limit of a running server, shown or lifted.

It belongs to no user, so ``sls user lockout`` does not show it and ``sls user unlock`` does not lift it: a
developer's negative tests from 127.0.0.1 fill it, and then every login from there, a right password too, is
``429 rate_limited`` until the window passes, ``sls clock --advance`` moves past it, or this lifts it.
"""

from __future__ import annotations

from typing import Any

import click

from .admin_commands import admin_options, connect
from .output import fields_table, print_json, print_renderable
from .server_errors import server_errors


@click.command("ip-throttle")
@click.argument("ip", default="127.0.0.1")
@click.option(
    "--lift",
    is_flag=True,
    help="Forget the login attempts and the wrong admin, sim and metrics tokens counted against it (an "
    "admin action, audited).",
)
@admin_options
def ip_throttle(ip: str, lift: bool, url: str | None, admin_token: str | None, as_json: bool) -> None:
    """Show an address's login limit, or lift it with --lift.

    It reads GET /admin/v1/ip-throttle; --lift sends POST /admin/v1/ip-throttle/lift. While the address is
    limited, every login from it is refused, a right password too. --lift also forgets the address's wrong
    tokens, each kind in a window of its own: the admin and sim tokens' (while full, every token from the
    address is refused, the right one too) and /metrics'; --json says how many of each
    (cleared, token_guesses_cleared, metrics_guesses_cleared). A full admin-token window refuses this
    command's own token from that address (429 rate_limited): run it from another address or use a trainer
    console already signed in, or wait the retry_after it tells. An IPv6 address counts as its /64. IP
    defaults to 127.0.0.1, where `sls login` and a local test suite come from.

    \b
    Examples:
      sls ip-throttle 198.51.100.77
      sls ip-throttle --lift             # 127.0.0.1's, after negative tests
    """
    client = connect(url, admin_token)
    with server_errors():
        if lift:
            state = client.request("POST", "/admin/v1/ip-throttle/lift", {"ip": ip})
        else:
            state = client.request("GET", "/admin/v1/ip-throttle", query={"ip": ip})
    if as_json:
        print_json(state)
        return
    if lift:
        click.echo(_lifted(state))
        return
    print_renderable(fields_table(_title(state), _rows(state)))


def _lifted(state: dict[str, Any]) -> str:
    """What a lift forgot, a line for each window that held anything (the login attempts' as it always
    read)."""
    counted_as = state["counted_as"]
    cleared = int(state.get("cleared") or 0)
    tokens = int(state.get("token_guesses_cleared") or 0)
    metrics = int(state.get("metrics_guesses_cleared") or 0)
    if not (cleared or tokens or metrics):
        return f"{counted_as} had no attempts counted: nothing changed."
    told = []
    if cleared:
        told.append(f"Lifted: {cleared} attempt(s) from {counted_as} forgotten; its logins are judged again.")
    if tokens:
        told.append(
            f"{tokens} wrong admin/sim token(s) from {counted_as} forgotten: "
            "its right token is let through again."
        )
    if metrics:
        told.append(
            f"{metrics} wrong /metrics token(s) from {counted_as} forgotten: "
            "its right token reads /metrics again."
        )
    return "\n".join(told)


def _title(state: dict[str, Any]) -> str:
    if state["limited"]:
        return f"{state['counted_as']}: LIMITED, every login refused for {state['retry_after']} s"
    return f"{state['counted_as']}: not limited"


def _rows(state: dict[str, Any]) -> dict[str, Any]:
    return {
        "attempts in the window": f"{state['attempts']} of {state['limit']}",
        "window (s)": state["window_s"],
        "retry after (s)": state["retry_after"] or "-",
        "wrong admin/sim tokens": _guesses(state["token_guesses"], state["limit"]),
        "wrong /metrics tokens": _guesses(state["metrics_guesses"], state["limit"]),
    }


def _guesses(count: int, limit: int) -> str:
    """A window of wrong tokens, and whether it is full (every token refused, the right one too)."""
    return f"{count} of {limit}" + (": every token refused, the right one too" if count >= limit else "")
