"""``sls phone inbox|calls|audio|conditions``: the simulated phones of a running server (``/sim/v1/phones``).

What a trainer does in a demo: read the code a login texted, hear (read) a voice callback, make the
carrier drop texts or delay them, swap a SIM to the attacker's handset. Over HTTP like every other command;
the /sim routes need no admin token (--admin-token is accepted, like on every server command, but never
sent there), only the sim token when the server sets one (--sim-token, SLS_SIM_TOKEN or demo.json).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from .admin_client import AdminClient, segment
from .admin_commands import admin_options, when
from .output import CliError, HelpGroup, note, print_json, print_renderable, table
from .phone_network import conditions, phone_path, read_phone, restart, users_phone_note
from .reading import OutputFile
from .server_errors import server_errors
from .sim_access import sim_client, sim_token_option


def _absolute(client: AdminClient, path: str | None) -> str | None:
    """The audio link as a URL to paste into a browser or curl (the server gives a path)."""
    return f"{client.url}{path}" if path else None


@click.group(cls=HelpGroup)
def phone() -> None:
    """Simulated phones: read texts and voice callbacks, set carrier conditions (/sim/v1/phones).

    \b
    NUMBER is an E.164 number (+15555550100) or a handset name (attacker) that holds a swapped SIM.
    A user's name is a handset of its own, not their phone: a note then names their number.

    
    Examples:
      sls phone inbox +15555550104 --code              # the code sms-sam was just texted
      sls phone conditions +15555550104 --sim-swapped-to attacker
      sls phone inbox attacker                         # what the swapped SIM now receives
    """


@phone.command("inbox")
@click.argument("number")
@click.option(
    "--code",
    "code_only",
    is_flag=True,
    help="Print only the newest code (a text without one, like a security notice, is passed over); exit 1 "
    "if no text holds one, or if a newer code is still on its way (a carrier's delay).",
)
@admin_options
@sim_token_option
def inbox(
    number: str,
    code_only: bool,
    url: str | None,
    admin_token: str | None,
    sim_token: str | None,
    as_json: bool,
) -> None:
    """The texts a phone has received, newest first (GET /sim/v1/phones/<number>/messages).

    \b
    Examples:
      sls phone inbox +15555550100
      CODE=$(sls phone inbox +15555550151 --code)   # the activation code, past the notice sent after it
      sls phone inbox attacker --json       # after a SIM swap: the attacker reads the code
    """
    body = read_phone(sim_client(url, sim_token), number, "messages")
    users_phone_note(number, url, admin_token)
    if code_only:
        click.echo(newest_code(number, body))
        return
    if as_json:
        print_json(body)
        return
    messages = body.get("messages") or []
    columns = ["arrived (UTC)", "from", "code", "text", "id"]
    rows = [
        [when(m.get("at"), short=True), m.get("from"), m.get("code"), m.get("text"), m.get("id")]
        for m in messages
    ]
    print_renderable(table(f"texts to {number}", columns, rows, wrap=["text"]))
    coming = body.get("in_transit") or []
    if coming:
        wait, last = int(coming[0]["arrives_in_s"]), max(int(t["arrives_in_s"]) for t in coming)
        count = f"{len(coming)} text{'s' if len(coming) > 1 else ''}"
        when_ = f"the next arrives in {wait} s" + (f", the last in {last} s" if last != wait else "")
        note(
            f"{count} on the way, held back by the carrier: {when_} by the server's clock "
            f"(sls clock --advance {last})"
        )
    elif not messages:
        note("no texts yet")


def newest_code(number: str, body: dict[str, Any]) -> str:
    """The newest code that arrived, unless a code sent after it is still on its way: then that older
    code is spent or about to be, and printing it would send a script on with the wrong one."""
    newest = next((m for m in body.get("messages") or [] if m.get("code")), None)
    since = (newest.get("seq") or 0) if newest else -1
    coming = [t for t in body.get("in_transit") or [] if t.get("has_code") and (t.get("seq") or 0) > since]
    if coming:
        wait = max(int(t["arrives_in_s"]) for t in coming)  # the last of them: all have arrived by then
        newer = "a newer code" if newest else "a code"
        raise CliError(
            f"{newer} to {number} is still on its way: the carrier delays texts, and it arrives in {wait} s "
            f"by the server's clock (`sls clock --advance {wait}` brings it; `sls phone conditions {number}` "
            "shows the delay)",
            1,
        )
    if newest is None:
        raise CliError(f"no text to {number} holds a code yet", 1)
    return str(newest["code"])


@phone.command("calls")
@click.argument("number")
@admin_options
@sim_token_option
def calls(
    number: str, url: str | None, admin_token: str | None, sim_token: str | None, as_json: bool
) -> None:
    """The voice callbacks a phone has received, newest first (GET /sim/v1/phones/<number>/calls).

    \b
    Example:
      sls phone calls +15555550100
    """
    client = sim_client(url, sim_token)
    body = read_phone(client, number, "calls")
    users_phone_note(number, url, admin_token)
    if as_json:
        print_json(body)
        return
    found = body.get("calls") or []
    columns = ["at (UTC)", "id", "code", "transcript", "audio"]  # the id: for `sls phone audio`
    rows = [
        [
            when(c.get("at"), short=True),
            c.get("id"),
            c.get("code"),
            c.get("transcript"),
            _absolute(client, c.get("audio_url")),
        ]
        for c in found
    ]
    print_renderable(table(f"calls to {number}", columns, rows, wrap=["transcript", "audio"]))
    if not found:
        note('no calls yet (ask for one at login: POST /api/v1/auth/login/<txn>/factor {"type": "voice"})')


@phone.command("audio")
@click.argument("number")
@click.argument("call_id")
@click.option(
    "--output",
    "-o",
    type=OutputFile(),
    required=True,
    help="The WAV file to write.",
)
@admin_options
@sim_token_option
def audio(
    number: str,
    call_id: str,
    output: Path,
    url: str | None,
    admin_token: str | None,
    sim_token: str | None,
    as_json: bool,
) -> None:
    """Save a voice callback as a WAV, where the server can speak.

    GET /sim/v1/phones/<number>/calls/<call_id>/audio

    \b
    Example:
      sls phone audio +15555550100 3fa2b1 -o call.wav
    """
    client = sim_client(url, sim_token)
    with server_errors():
        wav = client.fetch("GET", phone_path(number, f"calls/{segment(call_id)}/audio"))
    output.write_bytes(wav)
    if as_json:
        print_json({"number": number, "call_id": call_id, "saved": str(output), "bytes": len(wav)})
    else:
        click.echo(f"saved {len(wav)} bytes to {output}")


# the phone's network state (conditions, restart) lives in phone_network; listed here with the rest
phone.add_command(conditions)
phone.add_command(restart)
