"""``sls config``: every SLS_* key, its default, what it does, and the value this environment gives it."""

from __future__ import annotations

import os
from dataclasses import fields
from typing import Any

import click
from rich.table import Table
from rich.text import Text

from ..config import PARSERS, Settings, describe, env_name
from .output import mask_url, print_json, print_renderable
from .serve import CLI_ENV

SECRET_KEYS = {"SLS_SECRET_KEY", "SLS_ADMIN_TOKEN", "SLS_SIM_TOKEN"}
URL_KEYS = {"SLS_REDIS_URL", "SLS_URL"}


def shown_value(name: str, raw: str) -> str:
    if name in SECRET_KEYS:
        return "(set, hidden)"
    if name in URL_KEYS:
        return mask_url(raw) or raw
    return raw


def rows() -> list[dict[str, Any]]:
    """One entry per key: server keys from sls_server.config, then the CLI's own."""
    field_of = {env_name(f.name): f.name for f in fields(Settings)}
    entries: list[dict[str, Any]] = []
    for name, default, doc in describe():
        # The descriptions come from the settings' docstrings: their line breaks and indents are the source's.
        text = " ".join(doc.split())
        entry: dict[str, Any] = {"name": name, "default": default, "description": text, "scope": "server"}
        raw = os.environ.get(name)
        if raw is None:
            entry["source"] = "default"
            entry["value"] = str(Settings.data_dir) if name == "SLS_DATA_DIR" else default
        else:
            entry["source"] = "env"
            entry["value"] = shown_value(name, raw)
            try:
                PARSERS[field_of[name]](raw)
            except ValueError as exc:
                entry["error"] = str(exc)
        entries.append(entry)
    for name, (default, doc) in CLI_ENV.items():
        raw = os.environ.get(name)
        entries.append(
            {
                "name": name,
                "default": default,
                "description": doc,
                "scope": "cli",
                "source": "default" if raw is None else "env",
                "value": default if raw is None else shown_value(name, raw),
            }
        )
    return entries


@click.command("config")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of the table.")
def config(as_json: bool) -> None:
    """List every SLS_* setting: default, description and the effective value here.

    Secrets (SLS_SECRET_KEY, SLS_ADMIN_TOKEN) are never printed; passwords in URLs are masked.
    A value that `sls serve` would refuse is marked in red.

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
    grid.add_column("value", overflow="fold", max_width=40)
    grid.add_column("what it does (default)", min_width=30)
    for entry in entries:
        value = Text(str(entry["value"]), style="green" if entry["source"] == "env" else "dim")
        if "error" in entry:
            value = Text(f"{entry['value']}: {entry['error']}", style="red")
        doc = Text(entry["description"].replace("``", "`"))
        doc.append(f" (default: {entry['default']})", style="dim")
        grid.add_row(entry["name"], value, doc)
    print_renderable(grid)
