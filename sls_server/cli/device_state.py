"""``sls device unlock|reset`` (admin) and ``sls device card-status|card-respond|totp-code`` (the simulated
card and authenticator app, ``/sim/v1``).

Two different locks, two commands, each with one meaning:

- ``unlock``: the *server* disabled the authenticator after ``SLS_DEVICE_FAILURE_LIMIT`` wrong responses in a
  row (``factor_locked``). ``POST /admin/v1/devices/<id>/unlock`` re-enables it.
- ``reset``: the DSC+ *card itself* locked after three wrong PINs (``locked``), like the physical card.
  ``POST /admin/v1/devices/<id>/reset`` unlocks it.

Both read the device before and after and say what actually changed: "was not locked" is a truthful answer,
and when the device needs the other command, they say so. The admin API has no route that reads one device
by id, so it is found in its user's list (``--user``) or by looking through the users.
"""

from __future__ import annotations

from typing import Any

import click

from .admin_client import UNANSWERED, AdminClient, segment
from .admin_commands import admin_options, connect, device, when
from .device_commands import device_fields
from .output import CliError, fields_table, note, print_json, print_renderable, print_response
from .server_errors import server_errors
from .sim_access import sim_call, sim_client, sim_options


def find_device(client: AdminClient, device_id: str, username: str | None) -> dict[str, Any]:
    """The device's admin view: from ``username``'s list, else from the first user that has it."""
    with server_errors():
        names = [username] if username else list(client.request("GET", "/admin/v1/users").get("users", []))
        for name in names:
            for record in client.devices(name):
                if record.get("device_id") == device_id:
                    return record
    where = f"{username}'s devices" if username else "any user's devices"
    raise CliError(f"unknown_device: {device_id} is not among {where}")


def pin_tries(url: str | None, device_id: str) -> int | None:
    """The card's PIN tries left, as its display shows them (``/sim/v1``); None when the simulator is off."""
    try:
        card = sim_client(url, None).request("GET", f"/sim/v1/dscplus/{segment(device_id)}")
        return int(card["pin_attempts_left"])
    except UNANSWERED:  # sim off, token-protected, gone: the detail is optional, the admin answer decides
        return None


def report(
    device_id: str,
    before: dict[str, Any],
    after: dict[str, Any],
    lines: list[str],
    as_json: bool,
    struck: list[str] | None = None,
) -> None:
    """The device after, and what changed: its fields, and (``struck``, an unlock's ``strikes_cleared``)
    users' strikes on it, which no field of the device shows."""
    changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    if as_json:
        answer = {
            "device_id": device_id,
            "changed": changed,
            "summary": lines,
            "before": before,
            "after": after,
        }
        if struck is not None:
            answer["strikes_cleared"] = struck
            changed += ["strikes"] if struck and "strikes" not in changed else []
        print_json(answer)
        return
    print_renderable(fields_table(f"device {device_id}", device_fields(after)))
    for line in lines:
        click.echo(line)


def user_option(func: Any) -> Any:
    return click.option(
        "--user", "username", metavar="USERNAME", help="Whose device it is (saves looking through users)."
    )(func)


@device.command("unlock")
@click.argument("device_id")
@user_option
@admin_options
def unlock_device(
    device_id: str, username: str | None, url: str | None, admin_token: str | None, as_json: bool
) -> None:
    """Re-enable an authenticator the server disabled after wrong responses.

    POST /admin/v1/devices/<device_id>/unlock.
    Wrong responses in a row (SLS_DEVICE_FAILURE_LIMIT, 10) disable any authenticator: 423 device_locked.
    A DSC+ card that locked *itself* after wrong PINs needs `sls device reset` instead; this command says so.

    \b
    Examples:
      sls device unlock dscplus-1d68b218dc44
      sls device unlock totp-5e6f7a8b9c0d --user carol --json
    """
    client = connect(url, admin_token)
    before = find_device(client, device_id, username)
    with server_errors():
        after = client.request("POST", f"/admin/v1/devices/{segment(device_id)}/unlock")
    struck = list(after.pop("strikes_cleared", []))
    lines = []
    if before.get("factor_locked") and not after.get("factor_locked"):
        lines.append(
            f"Re-enabled: {device_id} had been disabled after {before.get('factor_failures', 0)} wrong "
            "responses; logins may use it again."
        )
    elif before.get("factor_failures"):
        lines.append(
            f"{device_id} was not disabled; its {before['factor_failures']} wrong response(s) in a row are "
            "forgotten."
        )
    elif struck:
        lines.append(
            f"{device_id} was not disabled, but {', '.join(struck)} had wrong-response "
            "strikes on it that refused their right responses as if it were (423 device_locked): cleared; "
            "they may use it again."
        )
    else:
        lines.append(f"{device_id} was not disabled by wrong responses: nothing changed.")
    if after.get("locked"):
        lines.append(
            "The card itself is locked by wrong PINs, which unlock does not touch: "
            f"sls device reset {device_id}"
        )
    report(device_id, before, after, lines, as_json, struck)


@device.command("reset")
@click.argument("device_id")
@user_option
@admin_options
def reset_card(
    device_id: str, username: str | None, url: str | None, admin_token: str | None, as_json: bool
) -> None:
    """Unlock a DSC+ card that locked itself after wrong PINs (POST /admin/v1/devices/<device_id>/reset).

    Three wrong PINs in a row (SLS_CARD_PIN_ATTEMPTS) lock the card, as the real one does: 423 card_locked.
    An authenticator the *server* disabled after wrong responses needs `sls device unlock`; this says so.

    \b
    Examples:
      sls device reset dscplus-1d68b218dc44
      sls device reset dscplus-1d68b218dc44 --user carol --json
    """
    client = connect(url, admin_token)
    before = find_device(client, device_id, username)
    if before.get("type") != "dscplus":
        other = f"; it is disabled by wrong responses: sls device unlock {device_id}"
        raise CliError(
            f"{device_id} is a {before.get('type')} device: only a DSC+ card locks itself on wrong PINs"
            + (other if before.get("factor_locked") else "")
        )
    tries_before = pin_tries(url, device_id)
    with server_errors():
        after = client.request("POST", f"/admin/v1/devices/{segment(device_id)}/reset")
    tries_after = pin_tries(url, device_id)
    lines = []
    if before.get("locked") and not after.get("locked"):
        tries = f" ({tries_after})" if tries_after is not None else ""
        lines.append(f"Unlocked: the card had locked itself after wrong PINs; its PIN tries are back{tries}.")
    elif tries_before is not None and tries_after is not None and tries_before != tries_after:
        lines.append(f"{device_id} was not locked; its PIN tries went from {tries_before} to {tries_after}.")
    else:
        lines.append(f"{device_id} was not locked by wrong PINs: nothing changed.")
    if after.get("factor_locked"):
        lines.append(
            "It is still disabled by wrong responses, which reset does not touch: "
            f"sls device unlock {device_id}"
        )
    report(device_id, before, after, lines, as_json)


# --- the simulated card and TOTP app -----------------------------------------------------------------------


@device.command("card-status")
@click.argument("device_id")
@sim_options
def card_status(device_id: str, url: str | None, sim_token: str | None, as_json: bool) -> None:
    """What the simulated DSC+ card shows: serial, locked or not, PIN tries left.

    GET /sim/v1/dscplus/<device_id>.

    \b
    Example:
      sls device card-status dscplus-1d68b218dc44
    """
    result = sim_call(url, sim_token, "GET", f"/sim/v1/dscplus/{segment(device_id)}")
    if as_json:
        print_json(result)
    else:
        print_renderable(fields_table(f"card {device_id}", result))


@device.command("card-respond")
@click.argument("device_id")
@click.option("--pin", required=True, help="The PIN keyed into the card (three wrong ones lock it).")
@click.option("--challenge", required=True, metavar="DIGITS", help="The 6-digit challenge the login shows.")
@sim_options
def card_respond(
    device_id: str, pin: str, challenge: str, url: str | None, sim_token: str | None, as_json: bool
) -> None:
    """Key PIN and challenge into the simulated card and read its response.

    POST /sim/v1/dscplus/<device_id>/respond. Unlike `sls device respond` (offline, from the card's key),
    this is the server's card: it counts wrong PINs and locks itself after three. Prints only the response,
    so it fits in a shell variable.

    \b
    Example:
      sls device card-respond dscplus-1d68b218dc44 --pin 1234 --challenge 418093
    """
    body = {"pin": pin, "challenge": challenge}
    result = sim_call(url, sim_token, "POST", f"/sim/v1/dscplus/{segment(device_id)}/respond", body)
    print_response(result, as_json)


@device.command("totp-code")
@click.argument("device_id")
@sim_options
def totp_code(device_id: str, url: str | None, sim_token: str | None, as_json: bool) -> None:
    """The code the user's authenticator app shows now, by the server's clock.

    GET /sim/v1/totp/<device_id>/code. Prints only the code (how long it lasts goes to stderr).
    A code is accepted once per time step: log in twice in one step and the second is refused (replay);
    `sls clock --advance 30s` moves to the next one.

    \b
    Example:
      sls device totp-code totp-5e6f7a8b9c0d
    """
    result = sim_call(url, sim_token, "GET", f"/sim/v1/totp/{segment(device_id)}/code")
    if as_json:
        print_json(result)
        return
    click.echo(result["code"])
    note(f"valid until {when(result.get('step_ends_at'))}, {result.get('period')} s per code")
