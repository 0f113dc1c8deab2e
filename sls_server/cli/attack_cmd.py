"""``sls attack``: stage an attack on a user of a running server, as the trainer console's *Stage an attack*
does (``POST /admin/v1/attacks``): the defences fire for real and every attempt is in the audit trail."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import click
from rich.text import Text

from ..sim.attacks import KINDS, PHISHED
from . import world_sync
from .admin_client import AdminClient
from .admin_commands import admin_options, connect
from .attack_follow import concluded, follow, still_pending
from .demo_world import World
from .output import CliError, fields_table, note, print_json, print_renderable
from .reading import Seconds, ask
from .server_errors import server_errors

#: The kinds as typed on the command line: ``brute-force`` for the API's ``brute_force``.
TYPED = {kind.replace("_", "-"): kind for kind in KINDS}
#: The report's ``verdict``, as the trainer reads it out: a phished password that is not the victim's, or a
#: lock an earlier attack left on her, stops the attack before it starts, which is no win for the defences.
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
    help="The victim's password, as if phished: push-bombing, sim-swap and phishing-relay start from it.  "
    "[default: demo.json's for a demo user on the demo's server, else asked for, hidden]",
)
@click.option(
    "--no-wait",
    is_flag=True,
    help="push-bombing: report and exit, without following its pushes to the verdict "
    "(GET /admin/v1/attacks/push-bombing).",
)
@click.option(
    "--timeout",
    type=Seconds(min=0),
    metavar="SECONDS",
    help="push-bombing: stop waiting for the verdict after this many seconds (real time, whatever the "
    "server's clock): exit 3, `attack_pending`, the report and the count so far (--json: in "
    "error.details.report). [default: wait until every push is answered or expired]",
)
@admin_options
def attack(
    kind: str,
    username: str,
    password: str | None,
    no_wait: bool,
    timeout: float | None,
    url: str | None,
    admin_token: str | None,
    as_json: bool,
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
      sim-swap-reset        the SIM swapped, no password: "Forgot your password?" with the code it gets
      phishing-relay        a copy of the login page relays the password and what the victim types
    It changes what a real attacker would (failures counted, an account locked, a SIM swapped, a session
    taken, an IB Key migrated to the attacker's handset): `sls user unlock` lifts a lock and `sls phone
    conditions NUMBER --restore-sim` gives a SIM back, but nothing undoes a migrated IB Key (the victim's
    own is revoked). On `sls demo`, `sls state restore-demo` (the console's "Back to the demo world") puts
    the demo's world back as it was seeded; elsewhere `sls state export -o before.json` first, then
    `sls state import before.json --replace`, puts the whole world back (`sls wipe` only empties it).
    push-bombing then waits, a progress line on stderr, until the victim has answered every push or they
    expired (GET /admin/v1/attacks/push-bombing), and prints the final verdict with her count of answers
    (--json: the report with the final `verdict` and `push_bombing`); --no-wait reports and exits.
    On a frozen server clock (sls clock --freeze) the pushes expire only when it moves: it says so at once,
    with the `sls clock --advance` that ends the wait; --timeout SECONDS ends it in any case, exit 3
    (`attack_pending`; --json: the report, `verdict` "pending", under error.details.report on stderr).
    Exits 0 whether or not the attacker got in; --json says which (`attacker_succeeded`, `verdict`).
    Exits 1 when the attack could not run (a phished password that is not the victim's; the victim still
    locked by an earlier attack: `sls user unlock USER` first), and the server refuses push bombing a user
    without an IB Key.
    The phished password of a demo user on the running `sls demo` is demo.json's unless --password gives
    another; any other user's is asked for (hidden).

    \b
    Examples:
      sls attack brute-force card-carl
      sls attack phishing-relay card-carl           # a demo user: demo.json's password, the card relayed
      sls attack sim-swap alice --password "$PASSWORD"
      sls attack sim-swap-reset sms-sam             # needs no password: stopped at Client Services
      sls attack push-bombing android-ann --json | jq .attacker_succeeded   # once every push is answered
      sls attack push-bombing android-ann --no-wait   # the report alone, while the pushes wait
      sls attack push-bombing android-ann --timeout 60 --json   # exit 3 if a push still waits after 60 s
    """
    chosen = TYPED[kind]
    client = connect(url, admin_token)
    if chosen in PHISHED and not password:
        password = demo_password(client, username) or ask(
            f"{username}'s password (as if phished)", instead="give --password", hide_input=True
        )
    body = {"attack": chosen, "username": username, "password": password or None}
    with server_errors():
        report = client.request("POST", "/admin/v1/attacks", body)
    if report.get("verdict") == "not_run":  # no win for the defences: a failure, with the report's reason
        summary = str(report.get("summary") or "the attack could not run")
        raise CliError(f"the attack could not run: {summary}", code="not_run", details={"report": report})
    followed = None  # a push bombing followed to its verdict: where it ended
    staged = report
    if chosen == "push_bombing" and report.get("waiting") and not no_wait:
        followed = follow(client, str(report.get("target") or username), timeout_s=timeout)
        report = concluded(report, followed)
    pending = followed is not None and followed.get("verdict") == "pending"  # --timeout ran out
    if as_json:
        if pending:
            raise still_pending(report, timeout or 0)
        print_json(report)
        return
    say_report(kind, username, staged, followed)
    if pending:
        raise still_pending(report, timeout or 0)
    if chosen == "phishing_relay":  # what the room sees on /trainer/attacks/relay, in its words
        with server_errors():
            screen = client.request("GET", "/admin/v1/attacks/relay-screen")
        say_screen(screen)


def say_report(
    kind: str, username: str, staged: dict[str, Any], followed: dict[str, Any] | None = None
) -> None:
    """A report as the console draws it: the verdict in its colour, the summary, the outcomes, and a push
    bombing's count of her answers (``followed``: where it stands, which decides the verdict once no push
    waits)."""
    report = concluded(staged, followed) if followed else staged
    pending = followed is not None and followed.get("verdict") == "pending"
    verdict, style = (None if followed and not pending else pending_verdict(staged)) or VERDICTS.get(
        str(report.get("verdict")), VERDICTS["defences_held"]
    )
    print_renderable(Text(verdict, style=style))
    click.echo(str(report.get("summary", "")))
    outcomes = report.get("outcomes") or {}
    if outcomes:
        shown = {"attempts": report.get("attempts", 0), **outcomes}
        print_renderable(fields_table(f"{kind} on {report.get('target', username)}", shown))
    if followed:  # her answers, counted by the server, as the console shows them under its verdict
        click.echo(str(followed.get("said", "")))


@click.command("attack-last")
@admin_options
def attack_last(url: str | None, admin_token: str | None, as_json: bool) -> None:
    """The last attack staged, whatever its kind, kept a day (GET /admin/v1/attacks/last): its report as the
    trainer console draws it again after a reload, and a push bombing's count of the victim's answers and
    verdict as they stand now. Exits 0 when none was staged (it says so; --json: `staged` false).

    \b
    Examples:
      sls attack-last
      sls attack-last --json | jq .report.verdict
    """
    client = connect(url, admin_token)
    with server_errors():
        last = client.request("GET", "/admin/v1/attacks/last")
    if as_json:
        print_json(last)
        return
    if not last.get("staged"):
        note("no attack was staged in the last day (sls attack KIND USER stages one)")
        return
    kind = str(last.get("kind", "")).replace("_", "-")
    target = str(last.get("target", ""))
    at = datetime.fromtimestamp(int(last.get("at", 0)), UTC).strftime("%Y-%m-%d %H:%M:%S")
    note(f"{kind} on {target}, staged at {at} UTC (server time)")
    say_report(kind, target, dict(last.get("report") or {}), last.get("push_bombing"))


def pending_verdict(report: dict[str, Any]) -> tuple[str, str] | None:
    """A report whose logins still wait on the victim's phone (``waiting``: push bombing, a relay's push) is
    not over: "The defences held." would contradict the relay's screen ("Waiting for ivy to pick 70") and be
    wrong the moment she picks the number. The console says the same (``trainer.js``)."""
    waiting = report.get("waiting")
    if not isinstance(waiting, dict) or report.get("verdict") != "defences_held":
        return None
    until = datetime.fromtimestamp(int(waiting.get("until", 0)), UTC).strftime("%H:%M")
    who = report.get("target", "the victim")
    return f"Not over yet: the attacker waits on {who}'s phone until {until} UTC.", "bold yellow"


def say_screen(screen: dict[str, Any]) -> None:
    """The attacker's screen in the sentences the trainer's page draws (``sim.relay_screen.lines``)."""
    print_renderable(Text("The attacker's screen:", style="bold"))
    for line in screen.get("lines") or []:
        click.echo(f"  {line}")


@click.command("attack-screen")
@admin_options
def attack_screen(url: str | None, admin_token: str | None, as_json: bool) -> None:
    """The attacker's screen of the last phishing relay (GET /admin/v1/attacks/relay-screen).

    As the trainer console's page of it (/trainer/attacks/relay) shows it: the look-alike page the victim
    was lured to, what reached the attacker (a password or code only as captured, never itself), the
    relaying to the real login, the number the victim must pick for an IB Key push, and the outcome: the
    attacker in, or the defence that stopped them. A push still waiting is read as it stands now: run it
    again after the victim answers on their phone.

    \b
    Examples:
      sls attack phishing-relay android-ann   # prints the screen too
      sls attack-screen                       # again, once she picked a number
      sls attack-screen --json | jq .state
    """
    client = connect(url, admin_token)
    with server_errors():
        screen = client.request("GET", "/admin/v1/attacks/relay-screen")
    if as_json:
        print_json(screen)
        return
    say_screen(screen)


def demo_password(client: AdminClient, username: str) -> str | None:
    """The password demo.json keeps for ``username`` when ``server`` is that demo's: the trainer staging an
    attack on a demo user has it printed already, and typing it again only slows the class. Said on stderr
    (never the password itself), so the trainer knows which was used. ``None`` for anyone else, or another
    server (the same name there is another account). Caught up with a restore by the console since a CLI
    change (``world_sync``): the password the server holds; ``None`` for one changed on the server since
    (the console, a staged attack: said on stderr), which is not known here."""
    world = World.load()
    world = World(
        world_sync.caught_up(client, world.info, about=(username,)) if world.serves(client.url) else None
    )
    known = world.user(username).get("password")
    if not isinstance(known, str) or not known:
        return None
    note(f"{username}'s password, as if phished: demo.json's (--password gives another)")
    return known


@click.command("attackers")
@click.argument("addresses", nargs=-1)
@admin_options
def attackers(addresses: tuple[str, ...], url: str | None, admin_token: str | None, as_json: bool) -> None:
    """Mark addresses as an attacker's for the trainer console's feed (PUT /admin/v1/attackers): what comes
    from one is tagged "(attacker)" and shown red, as a staged attack's is. They replace the addresses marked
    before; none unmarks them. `sls scenario demo` marks its attacker actors' itself.

    \b
    Examples:
      sls attackers 203.0.113.66
      sls attackers                  # unmark them
    """
    client = connect(url, admin_token)
    with server_errors():
        marked = client.request("PUT", "/admin/v1/attackers", {"addresses": list(addresses)})
    if as_json:
        print_json(marked)
        return
    shown = marked.get("addresses") or []
    note(f"marked as an attacker's: {', '.join(shown)}" if shown else "no address is marked as an attacker's")
