"""``sls config``: every SLS_* key, its default, what it does, and the value this environment gives it.

The value shown is the one ``sls serve`` would use; where the data folder's demo runs with another (its
demo.json records them), that one too. An empty (or blank) variable is no value: the server's
parsers read it as unset (an empty SLS_ADMIN_TOKEN or SLS_SECRET_KEY is generated into the data dir, as
docker-compose's ``${SLS_ADMIN_TOKEN:-}`` passes it when the host has none), and click ignores an empty one
for the CLI's own options; so it is shown as the default, marked as set but empty.
"""

from __future__ import annotations

import os
import sys
from dataclasses import fields
from typing import Any

import click
from rich.table import Table
from rich.text import Text

from ..config import PARSERS, SECRETS, Settings, env_name
from ..config_table import describe
from . import demofile, recorded_process
from .admin_commands import found_server
from .output import is_terminal, mask_url, print_json, print_renderable
from .server_options import CLI_ENV

SECRET_KEYS = {env_name(name) for name in SECRETS}
URL_KEYS = {"SLS_REDIS_URL", "SLS_URL"}
#: Where an entry says its variable is set but read as unset (``note``), as the table shows it too.
EMPTY_NOTE = "the variable is empty"


def shown_value(name: str, raw: str) -> str:
    if name in SECRET_KEYS:
        return "(set, hidden)"
    if name in URL_KEYS:
        return mask_url(raw) or raw
    return raw


def rows() -> list[dict[str, Any]]:
    """One entry per key: server keys from sls_server.config, then the CLI's own."""
    field_of = {env_name(f.name): f.name for f in fields(Settings)}
    demo = demofile.read(demofile.data_dir_from_env()) or {}
    running = isinstance(demo.get("settings"), dict) and not recorded_process.gone(
        demo
    )  # a stopped demo runs none
    demo_runs = demo.get("settings") if running else None
    entries: list[dict[str, Any]] = []
    for name, default, doc in describe():
        # The descriptions come from the settings' docstrings: their line breaks and indents are the source's.
        text = " ".join(doc.split())
        entry: dict[str, Any] = {"name": name, "default": default, "description": text, "scope": "server"}
        raw = os.environ.get(name)
        parsed: object = None
        if raw is not None:
            try:
                parsed = PARSERS[field_of[name]](raw)
            except ValueError as exc:
                entry["error"] = str(exc)
        if raw is None or (parsed is None and "error" not in entry):  # unset, or empty: read as unset
            entry["source"] = "default"
            entry["value"] = str(Settings.data_dir) if name == "SLS_DATA_DIR" else default
        else:
            entry["source"] = "env"
            entry["value"] = shown_value(name, raw)
        if demo_runs is not None and field_of[name] not in demofile.UNRECORDED:
            # what the data folder's demo runs with: its raised limits are not this environment's
            ran = shown_value(name, str(demo_runs.get(name, default)))
            if ran != entry["value"]:
                entry["demo"] = ran
        entries.append(_noting_empty(entry, raw))
    for name, (default, doc) in CLI_ENV.items():
        raw = os.environ.get(name)
        entry = {"name": name, "default": default, "description": doc, "scope": "cli"}
        found = found_server(demofile.data_dir_from_env()) if name == "SLS_URL" else None
        if raw:
            entry.update(source="env", value=shown_value(name, raw))
        elif found:  # where the commands will go: the file that names the server (demo.json, serve.json...)
            entry.update(source=found.record.name, value=shown_value(name, found.url))
        else:  # click ignores an empty variable
            entry.update(source="default", value=default)
        entries.append(_noting_empty(entry, raw))
    return entries


def _noting_empty(entry: dict[str, Any], raw: str | None) -> dict[str, Any]:
    if raw is not None and entry["source"] == "default":
        entry["note"] = EMPTY_NOTE
    return entry


@click.command("config")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of the table.")
def config(as_json: bool) -> None:
    """List every SLS_* setting: default, description and the effective value here.

    The value here is the one `sls serve` started from this environment would use. Where the data folder's
    demo (its demo.json) runs with another value, as `sls demo` raises its limits, that value is shown
    beside it ("the demo: 20"; `demo` in --json).

    Secrets (SLS_SECRET_KEY, SLS_ADMIN_TOKEN, SLS_SIM_TOKEN, SLS_METRICS_TOKEN) are never printed; passwords
    in URLs are masked.
    A value that `sls serve` would refuse is marked in red; an empty one is shown unset, as serve reads it.

    \b
    Examples:
      sls config
      SLS_CHALLENGE_TTL=120 sls config --json
    """
    entries = rows()
    if as_json:
        print_json(entries)
        return
    grid = Table(title="sls configuration (environment variables)", title_justify="left", header_style="bold")
    grid.add_column("variable", style="bold", no_wrap=True)
    # On a terminal a long value (the data folder's path) folds at 40 columns so the descriptions keep
    # room; off one (a pipe, a log) each row stays on one line and a path is copied whole, as cli.md says.
    grid.add_column("value", overflow="fold", max_width=40 if is_terminal(sys.stdout) else None)
    grid.add_column("what it does (default)", min_width=30)
    for entry in entries:
        value = Text(str(entry["value"]), style="dim" if entry["source"] == "default" else "green")
        if entry["source"] == "demo.json":
            value.append(" (demo.json)", style="dim")
        if "note" in entry:
            value.append(f" ({entry['note']})", style="yellow")
        if "demo" in entry:
            value.append(f" (the demo: {entry['demo']})", style="yellow")
        if "error" in entry:
            value = Text(f"{entry['value']}: {entry['error']}", style="red")
        doc = Text(entry["description"].replace("``", "`"))
        doc.append(f" (default: {entry['default']})", style="dim")
        grid.add_row(entry["name"], value, doc)
    print_renderable(grid)
