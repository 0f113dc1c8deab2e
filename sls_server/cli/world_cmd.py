"""``sls world``: the demo world ``sls demo`` wrote (``demo.json``) printed again, and a warning when the
server no longer holds it, since the file outlives the world it describes."""

from __future__ import annotations

from typing import Any

import click

from . import demofile, recorded_process, world_marks, world_sync
from .admin_client import AdminClient, NoServer
from .demo_print import print_all, withheld
from .output import CliError, print_json, warn


@click.command("world")
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print demo.json (for jq); for a demo beyond loopback without the admin token, as sls world does.",
)
@click.option(
    "--token", "token_only", is_flag=True, help="Print the admin token alone (the trainer console's)."
)
@click.option(
    "--sim-token",
    "sim_token_only",
    is_flag=True,
    help="Print the sim token alone (SLS_SIM_TOKEN: the simulator pages' sign-in), when the demo has one.",
)
def world(as_json: bool, token_only: bool, sim_token_only: bool) -> None:
    """Print the demo world again: users, passwords, phones, PINs, devices, keys and the flows to try.

    It reads <data dir>/demo.json, which the last `sls demo` wrote (mode 0600: passwords and keys are in
    it). After a wipe or a class's changes, `sls state restore-demo` puts this world back on the server;
    after the console's "Back to the demo world", a password or number changed from the CLI since is the
    demo's here again (said on stderr). A password changed on the server since (the console's users table, a
    staged attack, another client) is not printed: the table says it is not known here, --json gives it null
    with "password_changed_on_server": true. A number changed on the server outside sls is printed as the
    server holds it, marked changed (--json: "phone_changed_on_server": true). The admin token is printed
    with it (as a table or --json) only for a demo on loopback; --token prints it alone, for the trainer
    console's sign-in (run it where the class cannot see). Once the demo that wrote it has stopped, the world
    it left is printed as it is in the file, with a warning, and the server at its URL is not asked (another
    one may answer there now).

    \b
    Examples:
      sls world
      sls world --token
      PW=$(sls world --json | jq -r '.users["card-carl"].password')
    """
    info = demofile.read()
    if info and demofile.still_seeding(info):
        url = info.get("url")
        raise CliError(f"the sls demo at {url} is still seeding its world: it prints it when it is ready")
    if not info or not isinstance(info.get("users"), dict):
        raise CliError(f"no demo world in {demofile.path()}: start one with `sls demo`")
    if sim_token_only:
        if not info.get("sim_token"):
            raise CliError(
                f"{demofile.path()} holds no sim token: the demo was started without SLS_SIM_TOKEN"
            )
        click.echo(info["sim_token"])
        return
    if token_only:
        if not info.get("admin_token"):
            raise CliError(
                f"{demofile.path()} holds no admin token: start the demo again with `sls demo --keep`"
            )
        click.echo(info["admin_token"])
        return
    why = recorded_process.why_gone(info)
    if why is not None:  # as it left it: whatever answers at its URL now is another server, not asked
        _print(info, as_json)
        warn(
            f"the sls demo that wrote this world {why}: this is the world it left, not checked against "
            f"the server at {info.get('url')} (another server may answer there now); `sls demo --keep` "
            "starts the demo again with it"
        )
        return
    client = AdminClient(str(info.get("url")), info.get("admin_token"), timeout_s=3.0)
    listing = world_marks.listed(client)  # the one call: every user, every password's version
    # the console's "Back to the demo world" since a CLI change; a password changed elsewhere, not printed
    info = world_sync.caught_up(client, info, listing)
    _print(info, as_json)
    _warn_if_gone(client, info, listing)


def _print(info: dict[str, Any], as_json: bool) -> None:
    if as_json:  # on a projected terminal as much as the table: the token only with --token
        print_json(withheld(info))
    else:
        print_all(info)


def _warn_if_gone(client: AdminClient, info: dict[str, Any], listing: world_marks.Listing) -> None:
    """demo.json outlives its world: after `sls wipe`, or with the demo stopped, it still lists every user
    and password as if they could log in. The server's list (``listing``) says whether they still can
    (stderr)."""
    if isinstance(listing.failed, NoServer):
        warn(f"no server answers at {client.url}: start it again with `sls demo --keep`")
        return
    if listing.failed is not None:
        return  # another server there now, or another token: nothing to say about this world
    missing = sorted(set(info["users"]) - listing.names)
    if missing:
        warn(
            f"{len(missing)} of this world's {len(info['users'])} users are no longer on the server "
            f"({', '.join(missing[:3])}{', ...' if len(missing) > 3 else ''}): wiped or deleted since; "
            "`sls state restore-demo` puts back the world `sls demo` kept on the server (a wipe keeps it), "
            "or `sls demo` seeds them again"
        )
