"""Everything the CLI prints: rich tables and panels for people, JSON for scripts, red one-line errors.

Consoles are made per call, not at import, so they write to whatever ``sys.stdout`` / ``sys.stderr`` is
at that moment (click's test runner swaps them). Nothing here ever wraps an error over two lines.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import click
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

#: Exit codes: 1 = the server (or the network) said no; 2 = the command line or configuration is wrong.
EXIT_FAILED = 1
EXIT_USAGE = 2


def out() -> Console:
    return Console(highlight=False)


def err() -> Console:
    return Console(stderr=True, highlight=False)


class CliError(click.ClickException):
    """A failure told in one red line, ``error: <message>``, on stderr; never a traceback."""

    def __init__(self, message: str, exit_code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file: Any = None) -> None:
        err().print(Text(f"error: {self.message}", style="bold red"), soft_wrap=True)


def warn(message: str) -> None:
    err().print(Text(f"warning: {message}", style="yellow"), soft_wrap=True)


def note(message: str) -> None:
    """A hint for people, on stderr so that ``--json`` output on stdout stays clean."""
    err().print(Text(message, style="dim"), soft_wrap=True)


def print_json(data: Any, *, compact: bool = False) -> None:
    text = json.dumps(data, separators=(",", ":")) if compact else json.dumps(data, indent=2)
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def table(
    title: str | None, columns: Sequence[str], rows: Iterable[Sequence[Any]], *, wrap: Iterable[str] = ()
) -> Table:
    """Columns stay on one line (ids and keys are copied whole) except those named in ``wrap``."""
    wrapping = set(wrap)
    grid = Table(title=title, title_justify="left", header_style="bold", box=box.SIMPLE_HEAD)
    for column in columns:
        grid.add_column(column, no_wrap=column not in wrapping, overflow="fold")
    for row in rows:
        grid.add_row(*(show(value) for value in row))
    return grid


def fields_table(title: str | None, mapping: Mapping[str, Any]) -> Table:
    """One record as a two-column table: field, value. Values are never cut (keys must stay copyable)."""
    grid = Table(title=title, title_justify="left", show_header=False, box=None, padding=(0, 1))
    grid.add_column("field", style="bold", no_wrap=True)
    grid.add_column("value", no_wrap=True, overflow="ignore")
    for key, value in mapping.items():
        grid.add_row(key, show(value))
    return grid


def show(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(show(v) for v in value) or "-"
    return str(value)


def print_renderable(renderable: Any) -> None:
    """Plain text is never broken by rich (keys and commands stay copyable); tables and panels lay out."""
    out().print(renderable, soft_wrap=isinstance(renderable, str | Text))
    sys.stdout.flush()


def mask_url(url: str | None) -> str | None:
    """``redis://:s3cret@host:6379/0`` -> ``redis://:***@host:6379/0``: never print a password."""
    if not url:
        return url
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    port = f":{parts.port}" if parts.port else ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}{port}"))
