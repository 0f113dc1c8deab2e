"""``sls state export|import``: save the world of a running server to a file, and load it back.
``sls state secrets|reseal``: count its sealed secrets by the key each is under, and seal the old ones again.
``sls state restore-demo|keep-demo``: go back to the world ``sls demo`` seeded (kept on the server), or keep
the world as it is now as the one to go back to.

The file holds password hashes and sealed device secrets: it is written with mode 0600, and it opens only in
a server with the same ``SLS_SECRET_KEY`` (the server says so, and changes nothing, when the key differs).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from . import world_sync
from .admin_commands import admin_options, call, connect
from .output import EXIT_USAGE, CliError, HelpGroup, fields_table, note, print_json, print_renderable
from .private_files import write_private
from .reading import OutputFile
from .server_errors import server_errors


@click.group(cls=HelpGroup)
def state() -> None:
    """Save the emulated world to a file, and load it again; re-seal its secrets (admin API).

    \b
    Examples:
      sls state export -o world.json
      sls state import world.json --replace
      sls state secrets
      sls state reseal
      sls state restore-demo                 # between two runs of a demo: its world as sls demo seeded it
    """


@state.command("export")
@click.option("-o", "--output", type=OutputFile(), help="File to write (mode 0600).")
@admin_options
def export_state(output: Path | None, url: str | None, admin_token: str | None, as_json: bool) -> None:
    """Save users (with their lockouts), devices (secrets sealed), allowlists, accounts, IB Key apps, phone
    conditions, the clock and the gateway's daily reset (GET/POST /admin/v1/state/export: the two answer
    alike).

    Without -o the document goes to stdout. With -o a summary is printed (--json: as JSON).

    \b
    Examples:
      sls state export -o trainer-world.json
      sls state export > fixture.json
    """
    document = call(url, admin_token, "GET", "/admin/v1/state/export")
    if output is None:
        print_json(document)
        return
    write_private(output, json.dumps(document, indent=1).encode())
    summary = {"file": str(output), **_counts(document)}
    if as_json:
        print_json(summary)
    else:
        print_renderable(fields_table("exported", summary))


@state.command("import")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@click.option(
    "--replace", is_flag=True, help="Wipe the world first, and take the document's clock and daily reset."
)
@admin_options
def import_state(file: Path, replace: bool, url: str | None, admin_token: str | None, as_json: bool) -> None:
    """Load a saved world (POST /admin/v1/state/import); FILE may be - for stdin.

    The server checks the whole document before it writes anything: one it cannot read (another version,
    another SLS_SECRET_KEY, a broken record) is refused and nothing changes. Without --replace the document
    is added to the world and refused if any of its users, devices or accounts exists already.

    \b
    Examples:
      sls state import fixture.json --replace
      sls state export --url http://a:8000 | sls state import - --url http://b:8000
    """
    try:
        text = sys.stdin.read() if str(file) == "-" else file.read_text()
        document: Any = json.loads(text)
    except OSError as exc:
        raise CliError(f"{file}: {exc.strerror}", EXIT_USAGE) from None
    except json.JSONDecodeError as exc:
        raise CliError(f"{file}: not JSON ({exc.msg}, line {exc.lineno})", EXIT_USAGE) from None
    except UnicodeDecodeError as exc:  # a binary file, or one in another encoding
        raise CliError(f"{file}: not UTF-8 text (byte {exc.start}), so not JSON", EXIT_USAGE) from None
    if not isinstance(document, dict):
        raise CliError(f"{file}: not a state document (a JSON object)", EXIT_USAGE)
    query = {"replace": "true"} if replace else None
    result = call(url, admin_token, "POST", "/admin/v1/state/import", document, query)
    if as_json:
        print_json(result)
        return
    print_renderable(
        fields_table("imported" + (" (the world was wiped first)" if replace else ""), result["imported"])
    )
    if not replace:
        note("added to the world that was there; --replace wipes it first")


@state.command("restore-demo")
@admin_options
def restore_demo(url: str | None, admin_token: str | None, as_json: bool) -> None:
    """Go back to the demo world (POST /admin/v1/state/demo/restore).

    The world is wiped (users, devices, sessions, the audit trail), then the users, devices, keys, accounts,
    IB Key apps, phones' conditions and clock that `sls demo` seeded are put back as they were: the demo's
    passwords, PINs and keys (`sls world`) work again: a demo user's password or number changed from the CLI
    since goes back in demo.json too. The console's "Back to the demo world" does the same on the server
    (it cannot reach demo.json: the next `sls world` or --auto login writes them back).
    Refused (409), with nothing changed, on a server where no demo world is kept.

    \b
    Examples:
      sls state restore-demo
      sls wipe --yes && sls state restore-demo     # the same: a wipe keeps the demo world
    """
    client = connect(url, admin_token)
    with server_errors():
        result = client.request("POST", "/admin/v1/state/demo/restore", {})
    back = world_sync.restored(client)
    if as_json:
        print_json(result)
    else:
        print_renderable(
            fields_table("back to the demo world (the world was wiped first)", result["imported"])
        )
    if back:
        note(
            f"demo.json holds the demo world's passwords and numbers again ({', '.join(back)}): "
            "--auto uses them"
        )


@state.command("keep-demo")
@admin_options
def keep_demo(url: str | None, admin_token: str | None, as_json: bool) -> None:
    """Keep the world as it is now as the demo world to go back to (PUT /admin/v1/state/demo).

    `sls demo` does it once its world is seeded; run it after preparing a world of your own for a class
    (users added, a SIM swapped in advance), and `sls state restore-demo` or the console's "Back to the
    demo world" put that back. It replaces the demo world kept before; a reset keeps it.

    \b
    Example:
      sls state keep-demo
    """
    client = connect(url, admin_token)
    with server_errors():
        result = client.request("PUT", "/admin/v1/state/demo", {})
    # what demo.json holds (a password changed with `sls change-password`...) is the kept world's now
    world_sync.back_to_the_kept_world(client.url, restored=False)
    if as_json:
        print_json(result)
        return
    print_renderable(fields_table("kept as the demo world", result["kept"]))


@state.command("secrets")
@admin_options
def sealed_secrets(url: str | None, admin_token: str | None, as_json: bool) -> None:
    """Count the sealed secrets by the key each is under (GET /admin/v1/state/secrets).

    Devices' secrets and the IB Key apps' keys are sealed as v2, under a key derived from SLS_SECRET_KEY. A
    server before v2 sealed them under SLS_SECRET_KEY itself (v1); `sls state reseal` moves those. This
    reads every record and changes nothing.

    \b
    Examples:
      sls state secrets
      sls state secrets --json | jq .older
    """
    result = call(url, admin_token, "GET", "/admin/v1/state/secrets")
    if as_json:
        print_json(result)
        return
    print_renderable(fields_table("sealed secrets", _sealed_rows(result)))
    if result["older"]:
        note(f"{result['older']} sealed under an older key: `sls state reseal` seals them again")


@state.command("reseal")
@admin_options
def reseal(url: str | None, admin_token: str | None, as_json: bool) -> None:
    """Seal again, under the current key, every secret sealed under SLS_SECRET_KEY itself
    (POST /admin/v1/state/secrets/reseal).

    Record by record, with compare-and-set: logins go on meanwhile and nothing they change is undone.
    Running it again changes nothing more, and finishes a run that was cut short.

    \b
    Examples:
      sls state reseal
      sls state reseal --json
    """
    result = call(url, admin_token, "POST", "/admin/v1/state/secrets/reseal", {})
    if as_json:
        print_json(result)
        return
    print_renderable(fields_table("re-sealed", {"sealed again": result["resealed"], **_sealed_rows(result)}))
    if result["unopened"]:
        left = ", ".join(result["unopened"])
        note(f"left as they were, their values not opening under this server's key: {left}")


def _sealed_rows(result: dict[str, Any]) -> dict[str, Any]:
    """The counts by version, in words: "v2 12, v1 2" (nothing sealed: "none")."""

    def by_version(counts: dict[str, int]) -> str:
        return ", ".join(f"{v} {n}" for v, n in sorted(counts.items(), reverse=True)) or "none"

    return {
        "sealing version": result["sealing_version"],
        "devices": by_version(result["devices"]),
        "IB Key apps": by_version(result["ibkey_apps"]),
        "under an older key": result["older"],
    }


def _counts(document: dict[str, Any]) -> dict[str, int]:
    return {
        name: len(document.get(name) or [])
        for name in ("users", "devices", "accounts", "ibkey_apps", "phones")
    }
