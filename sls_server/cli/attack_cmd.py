"""``sls attack``: stage an attack on a user of a running server, as the trainer console's *Stage an attack*
does (``POST /admin/v1/attacks``): the defences fire for real and every attempt is in the audit trail."""

from __future__ import annotations

import click
from rich.text import Text

from ..sim.attacks import KINDS, PHISHED
from .admin_commands import admin_options, call
from .output import fields_table, print_json, print_renderable
from .reading import ask

#: The kinds as typed on the command line: ``brute-force`` for the API's ``brute_force``.
TYPED = {kind.replace("_", "-"): kind for kind in KINDS}
#: The report's ``verdict``, as the trainer reads it out: a phished password that is not the victim's stops
#: the attack before it starts, which is no win for the defences.
VERDICTS = {
    "attacker_got_in": ("The attacker got in.", "bold red"),
    "defences_held": ("The defences held.", "bold green"),
    "not_run": ("The attack could not run.", "bold yellow"),
}


@click.command("attack")
@click.argument("kind", type=click.Choice(list(TYPED)), metavar="KIND")
@click.argument("username")
@click.option(
    "--password",
    help="The victim's password, as if phished: push-bombing, sim-swap and phishing-relay start from it "
    "(asked for, hidden, when not given).",
)
@admin_options
def attack(
    kind: str, username: str, password: str | None, url: str | None, admin_token: str | None, as_json: bool
) -> None:
    """Stage an attack on a user (POST /admin/v1/attacks), as the trainer console does: the attacker drives
    the real login service from documentation addresses, so the defences fire for real.

    \b
    KIND is one of:
      password-spray        common passwords across many accounts from one address: the throttle
      brute-force           many passwords at one account: the account lock
      credential-stuffing   leaked passwords, each from another address: the lock counts them all
      push-bombing          the phished password, again and again: number matching, the push limit
      sim-swap              the victim's number on the attacker's SIM: texts and calls go to the attacker
      phishing-relay        a copy of the login page relays the password and what the victim types
    It changes what a real attacker would (failures counted, an account locked, a SIM swapped, a session
    taken): `sls user unlock`, `sls phone conditions NUMBER --restore-sim` and `sls wipe` put things back.
    Exits 0 whether or not the attacker got in; --json says which (`attacker_succeeded`, `verdict`).

    \b
    Examples:
      sls attack brute-force card-carl
      sls attack phishing-relay card-carl --password "$PASSWORD"    # the card's response is relayed
      sls attack push-bombing android-ann --password "$PASSWORD" --json | jq .attacker_succeeded
    """
    chosen = TYPED[kind]
    if chosen in PHISHED and not password:
        password = ask(f"{username}'s password (as if phished)", instead="give --password", hide_input=True)
    body = {"attack": chosen, "username": username, "password": password or None}
    report = call(url, admin_token, "POST", "/admin/v1/attacks", body)
    if as_json:
        print_json(report)
        return
    verdict, style = VERDICTS.get(str(report.get("verdict")), VERDICTS["defences_held"])
    print_renderable(Text(verdict, style=style))
    click.echo(str(report.get("summary", "")))
    outcomes = report.get("outcomes") or {}
    if outcomes:
        shown = {"attempts": report.get("attempts", 0), **outcomes}
        print_renderable(fields_table(f"{kind} on {report.get('target', username)}", shown))
