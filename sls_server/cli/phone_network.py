"""``sls phone conditions|restart``: a simulated phone's network state (``/sim/v1/phones/<number>/...``),
apart from what it received (``phone_commands``: inbox, calls, audio), and the routes and display both use.

What the carrier and the handset do to texts: drop them, delay them, lose them abroad, hand them to a
swapped SIM, stop taking them until the phone restarts; and a test hook, the handset's IB Key approving
every push by itself. Registered on ``sls phone`` by ``phone_commands``.
"""

from __future__ import annotations

from typing import Any

import click

from sls_devices.phone import conditions_update

from .admin_client import AdminClient, segment
from .admin_commands import admin_options
from .output import EXIT_USAGE, CliError, fields_table, note, print_json, print_renderable
from .server_errors import server_errors
from .sim_access import sim_client, sim_token_option


def phone_path(number: str, what: str) -> str:
    """The route for a handset; quoted, so ``+1555...`` reaches the server as a plus, not a space."""
    return f"/sim/v1/phones/{segment(number)}/{what}"


def read_phone(client: AdminClient, number: str, what: str) -> dict[str, Any]:
    with server_errors():
        return client.request("GET", phone_path(number, what))


def users_phone_note(number: str, url: str | None, admin_token: str | None) -> None:
    """A name given where a number was meant: ``sls phone conditions sms-sam --carrier-blocks-sms`` acts on
    a handset named "sms-sam" (any name is one: ``attacker``), empty and nobody's, while the trainer thinks
    Sam's texts are now blocked. When the name is a user's with a phone, a note names that phone. Asked only
    for a name, and said nothing when the admin API cannot say (no token here, another server)."""
    if number.startswith("+"):
        return
    from .admin_client import UNANSWERED  # the admin API: only for a name, never for a number
    from .admin_commands import connect

    try:
        found = connect(url, admin_token).request("GET", f"/admin/v1/users/{segment(number)}")
    except UNANSWERED:
        return
    phone = found.get("phone") if isinstance(found, dict) else None
    if isinstance(phone, str) and phone:
        note(
            f"{number} is the name of a handset of its own here (nobody's number), and a user's name too: "
            f"{number}'s phone is {phone} (`sls phone ... {phone}`)"
        )


def show_phone(shown: dict[str, Any], title: str, as_json: bool) -> None:
    """The server's JSON with --json, else the phone's fields as a table (its number is in ``title``)."""
    if as_json:
        print_json(shown)
        return
    print_renderable(fields_table(title, {key: value for key, value in shown.items() if key != "number"}))


@click.command("conditions")
@click.argument("number")
@click.option(
    "--carrier-blocks-sms/--no-carrier-blocks-sms",
    default=None,
    help="The carrier drops texts to this number (voice callbacks still ring).",
)
@click.option(
    "--roaming/--no-roaming",
    default=None,
    help="The phone is abroad: IB Key asks for challenge/response instead of a push.",
)
@click.option(
    "--roaming-loses-every",
    type=click.IntRange(min=0),  # the server judges the rest, and names the field
    metavar="N",
    help="While roaming, every Nth text is lost (1: all, 2: every second; 0: none).",
)
@click.option(
    "--delay", type=int, metavar="SECONDS", help="Texts arrive this late, by the server's clock (0-3600)."
)
@click.option(
    "--sim-swapped-to", metavar="HANDSET", help="Another handset now holds the SIM: it gets the texts."
)
@click.option(
    "--restore-sim", is_flag=True, help="Give the SIM back to its subscriber (undo --sim-swapped-to)."
)
@click.option(
    "--needs-restart/--no-needs-restart",
    default=None,
    help="The phone stops taking texts until restarted (`sls phone restart`); calls still ring.",
)
@click.option(
    "--approves-pushes/--no-approves-pushes",
    default=None,
    help="A test hook: the phone's IB Key approves every push by itself as it arrives (an attacker's too).",
)
@admin_options
@sim_token_option
def conditions(
    number: str,
    carrier_blocks_sms: bool | None,
    roaming: bool | None,
    roaming_loses_every: int | None,
    delay: int | None,
    sim_swapped_to: str | None,
    restore_sim: bool,
    needs_restart: bool | None,
    approves_pushes: bool | None,
    url: str | None,
    admin_token: str | None,
    sim_token: str | None,
    as_json: bool,
) -> None:
    """Show or change a number's network conditions (GET/PUT /sim/v1/phones/<number>/conditions).

    Options change only what they name; the rest stays as it is. Without options: show them.

    \b
    Examples:
      sls phone conditions +15555550100
      sls phone conditions +15555550100 --carrier-blocks-sms
      sls phone conditions +15555550100 --delay 120
      sls phone conditions +15555550100 --sim-swapped-to attacker   # then: sls phone inbox attacker
      sls phone conditions +15555550100 --restore-sim --no-carrier-blocks-sms --delay 0
      sls phone conditions +15555550100 --needs-restart      # then: sls phone restart +15555550100
      sls phone conditions +15555550100 --roaming --roaming-loses-every 2   # abroad: every second text lost
      sls phone conditions +15555550100 --approves-pushes   # IB Key logins complete unattended
    """
    if sim_swapped_to is not None and restore_sim:
        raise CliError("--sim-swapped-to and --restore-sim: give one or the other", EXIT_USAGE)
    client = sim_client(url, sim_token)
    current = read_phone(client, number, "conditions")
    changes: dict[str, Any] = {
        "carrier_blocks_sms": carrier_blocks_sms,
        "roaming": roaming,
        "delivery_delay_s": delay,
        "sim_swapped_to": sim_swapped_to,
        "needs_restart": needs_restart,
        "roaming_loses_every": roaming_loses_every,
        "approves_pushes": approves_pushes,
    }
    changes = {key: value for key, value in changes.items() if value is not None}
    if restore_sim:
        changes["sim_swapped_to"] = None
    shown = current
    if changes:
        body = conditions_update(current, changes)  # PUT replaces: the whole set
        with server_errors():
            shown = client.request("PUT", phone_path(number, "conditions"), body)
    show_phone(shown, f"network conditions of {shown.get('number', number)}", as_json)
    users_phone_note(number, url, admin_token)


@click.command("restart")
@click.argument("number")
@admin_options
@sim_token_option
def restart(
    number: str, url: str | None, admin_token: str | None, sim_token: str | None, as_json: bool
) -> None:
    """Restart a phone that stopped taking texts (POST /sim/v1/phones/<number>/restart).

    The broker's advice when texts stop arriving: power the phone down and on again. Texts come through
    again; those sent meanwhile stay lost (ask for a new code). The other conditions stay.

    \b
    Example:
      sls phone restart +15555550100
    """
    client = sim_client(url, sim_token)
    with server_errors():
        shown = client.request("POST", phone_path(number, "restart"), {})
    show_phone(shown, f"{shown.get('number', number)} restarted", as_json)
    users_phone_note(number, url, admin_token)
