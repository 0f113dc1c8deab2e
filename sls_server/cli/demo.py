"""``sls demo``: a fresh emulator with two users and their DSC+ cards, served like ``sls serve``.

The users are made through the core services in the master, before gunicorn forks, so the demo needs no
running server to set itself up. What it made goes to ``<data dir>/demo.json`` (mode 0600) too, where the
admin commands find the URL and token.
"""

from __future__ import annotations

import dataclasses
import shlex
import time
from typing import Any

import click
from rich.panel import Panel
from rich.text import Text

from ..errors import SlsError, UserExists
from ..runtime import open_store
from ..wiring import Core, build_core
from . import demofile
from .output import CliError, print_json, print_renderable, table
from .serve import banner, config_errors, describe, run, server_options, start

#: Passwords pass the policy (no username inside, not blocklisted); PINs are the cards' own.
DEMO_USERS = (
    {"username": "alice", "password": "correct-horse-battery-1", "phone": "+15555550100", "pin": "1234"},
    {"username": "bob", "password": "tulip-orbit-canyon-42", "phone": "+15555550101", "pin": "4321"},
)


def seed(core: Core, previous: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Create the demo users and cards; with ``--keep``, existing users are taken from the last demo.json."""
    known = {u.get("username"): u for u in (previous or {}).get("users", []) if isinstance(u, dict)}
    made = []
    for spec in DEMO_USERS:
        name = spec["username"]
        try:
            core.users.create(name, spec["password"], phone=spec["phone"], now=core.clock.now())
        except UserExists:
            made.append(
                known.get(name)
                or {
                    **spec,
                    "device_id": None,
                    "serial": None,
                    "secret_hex": None,
                    "note": "kept from an earlier run; its card key is not known",
                }
            )
            continue
        card = core.devices.enrol(
            name, "dscplus", {"pin": spec["pin"], "label": f"{name}'s DSC+"}, now=core.clock.now()
        )
        made.append(
            {
                **spec,
                "device_id": card["device_id"],
                "serial": card["serial"],
                "suite": card["suite"],
                "secret_hex": card["secret_hex"],
            }
        )
    return made


def curl_example(url: str, user: dict[str, Any]) -> str:
    body = shlex.quote(f'{{"username": "{user["username"]}", "password": "{user["password"]}"}}')
    return "\n".join(
        [
            f"curl -s -c jar {url}/api/v1/auth/login -H 'Content-Type: application/json' -d {body}",
            f"sls device respond --secret-hex {user.get('secret_hex') or '<secret_hex>'} --pin {user['pin']} "
            "--challenge <challenge from the answer>",
            f"curl -s -b jar -c jar {url}/api/v1/auth/login/<txn_id>/verify "
            "-H 'Content-Type: application/json' -d '{\"response\": \"<8 digits>\"}'",
        ]
    )


def print_demo(info: dict[str, Any]) -> None:
    """The token, the users and their cards, and a login to paste; long lines are never broken."""
    token = Text.assemble(
        ("Admin token  ", "bold"),
        info["admin_token"],
        "\n",
        ("send it as 'Authorization: Bearer <token>' to /admin/v1", "dim"),
    )
    if info.get("sim_token"):
        token.append_text(
            Text.assemble(
                "\n",
                ("Sim token    ", "bold"),
                info["sim_token"],
                "\n",
                ("/sim/v1 needs it (SLS_SIM_TOKEN); the sls phone/device commands send it", "dim"),
            )
        )
    print_renderable(Panel(token, title="sls demo: ready to log in", title_align="left", border_style="cyan"))
    users = table(
        "Demo users, each with a DSC+ card",
        ["user", "password", "PIN", "device_id", "serial"],
        [
            [u["username"], u["password"], u["pin"], u.get("device_id"), u.get("serial")]
            for u in info["users"]
        ],
    )
    print_renderable(users)
    keys = Text("Card keys (secret_hex), shown once at enrolment, for `sls device respond`:\n", style="bold")
    for u in info["users"]:
        keys.append(f"  {u['username']:<6} ", style="bold")
        keys.append(f"{u.get('secret_hex') or u.get('note', '-')}\n")
    print_renderable(keys)
    first = next((u for u in info["users"] if u.get("secret_hex")), info["users"][0])
    print_renderable(
        Text.assemble((f"Log in as {first['username']}:\n", "bold"), curl_example(info["url"], first), "\n")
    )
    print_renderable(Text(f"All of this is in {info['demo_file']} (mode 0600).", style="dim"))


@click.command()
@server_options
@click.option("--keep", is_flag=True, help="Keep the emulator's state from the last run; do not wipe it.")
@click.option("--json", "as_json", is_flag=True, help="Print the demo's information as one JSON line.")
def demo(host: str, port: int, workers: int, threads: int, keep: bool, as_json: bool) -> None:
    """Start a ready-to-use emulator: demo users with DSC+ cards, printed with the admin token.

    Uses an embedded Redis in the data dir (SLS_DATA_DIR), or SLS_REDIS_URL when set. The emulator's
    state is wiped first unless --keep. Then it serves exactly like `sls serve` until Ctrl-C. The other
    commands (`sls user add`, `sls device ...`, `sls clock`) find this server through <data dir>/demo.json.

    \b
    Examples:
      sls demo
      sls demo --port 8080 --keep
      SLS_DATA_DIR=/tmp/sls sls demo --json
    """
    startup = start({}, host, port)
    settings = startup.settings
    previous = demofile.read(settings.data_dir)
    with config_errors():
        settings, store = open_store(settings)  # the URL is set: this only connects
    try:
        core = build_core(settings, store)
        if not keep:
            store.reset()
        users = seed(core, previous if keep else None)
    except SlsError as exc:
        raise CliError(f"{exc.code}: {exc.message}") from None
    finally:
        store.close()
    facts = describe(startup, workers, threads)
    info = {
        **{k: facts[k] for k in ("url", "login_api", "admin_api", "openapi", "readyz", "redis", "redis_url")},
        "admin_token": settings.admin_token,
        "data_dir": str(settings.data_dir),
        "created_at": int(time.time()),
        "users": users,
        "demo_file": str(demofile.path(settings.data_dir)),
    }
    if settings.sim_token:  # the trainer's key to /sim/v1; the simulator commands read it from demo.json
        info["sim_token"] = settings.sim_token
    demofile.write(settings.data_dir, info)
    if as_json:
        print_json(info, compact=True)
    else:
        print_renderable(banner(facts, title="sls demo"))
        print_demo(info)
    run(dataclasses.replace(startup, settings=settings), workers=workers, threads=threads)
