"""Everything the CLI prints: rich tables and panels for people, JSON for scripts, red one-line errors.

Consoles are made per call, not at import, so they write to whatever ``sys.stdout`` / ``sys.stderr`` is
at that moment (click's test runner swaps them). Nothing here ever wraps an error over two lines.

When stdout is no terminal (a pipe, a file, a CI log), there is no screen width to fit: rich's fallback of 80
columns would wrap ids mid-word and ellipsise values, so such output gets a console as wide as it needs and
tables come out one row per line. One-time secrets (a card's key, an ``otpauth://`` URI) are never put in a
table cell at all: they go on lines of their own (``print_secrets``), whole, whatever the width.

And what the CLI asks and reads the same way everywhere: prompts (``ask``, ``confirm``: with no input, a
usage error naming the option instead), output files (``OutputFile``), seconds (``Seconds``) and the groups'
--help (``HelpGroup``). Exit codes: 0 done; 1 the server or the network said no; 2 the command line.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import math
import os
import sys
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import click
from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

#: Exit codes: 1 = the server (or the network) said no; 2 = the command line or configuration is wrong.
EXIT_FAILED = 1
EXIT_USAGE = 2


#: The narrowest a prose column (``table``'s ``wrap``) is counted at when deciding whether ids fit whole.
PROSE_MIN_WIDTH = 8

#: The width of a console that writes to no terminal: wide enough that no table is cut or wrapped.
UNBOUNDED_WIDTH = 4096


def is_terminal(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # a closed or replaced stream
        return False


def out() -> Console:
    """stdout: the terminal's width on a terminal, else wide enough never to wrap or cut a row."""
    if is_terminal(sys.stdout):
        return Console(highlight=False)
    return Console(highlight=False, width=UNBOUNDED_WIDTH)


def err() -> Console:
    return Console(stderr=True, highlight=False)


class CliError(click.ClickException):
    """A failure told in one red line, ``error: <message>``, on stderr; never a traceback."""

    def __init__(self, message: str, exit_code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.exit_code = exit_code  # type: ignore[misc]  # click declares a ClassVar, yet reads the instance's

    def show(self, file: Any = None) -> None:
        err().print(Text(f"error: {self.message}", style="bold red"), soft_wrap=True)


class Seconds(click.FloatRange):
    """A number of seconds within a range (``--timeout``, ``--interval``, ``--duration``). click's FloatRange
    lets ``nan`` through (every comparison with it is false): a wait that never ends, or time.sleep's
    ValueError with a traceback."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        seconds = super().convert(value, param, ctx)
        if math.isnan(seconds):
            self.fail(f"{value!r} is not a number of seconds.", param, ctx)
        return seconds


class OutputFile(click.Path):
    """A file a command writes (``-o``, ``--junit``, ``--qr-svg``, ``--pidfile``), checked as the options are
    read: its folder must exist and be writable. So no command does its work first (enrols a device, runs
    every scenario, fetches a recording) and then dies writing the result with a traceback; the mistake is a
    usage error, exit 2, like a path that names a folder."""

    def __init__(self) -> None:
        super().__init__(dir_okay=False, path_type=Path)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        path = Path(os.fsdecode(super().convert(value, param, ctx)))
        folder = path.parent
        if not folder.is_dir():
            self.fail(
                f"{str(folder)!r} is not a folder that exists, so {str(path)!r} cannot be written.",
                param,
                ctx,
            )
        if not os.access(folder, os.W_OK | os.X_OK):
            self.fail(f"the folder {str(folder)!r} is not writable.", param, ctx)
        return path


def ask(
    question: str, *, instead: str, hide_input: bool = False, twice: bool = False, default: str | None = None
) -> str:
    """A value typed at a prompt on stderr (hidden: a password). When input ends before one is typed (stdin
    closed or empty, as in a CI job), a usage error saying how to give it ``instead``, exit 2."""
    with _answered(instead, end_line=not hide_input), warnings.catch_warnings():
        # a password piped in is not echoed either; Python's warning would only add its own source line
        warnings.simplefilter("ignore", getpass.GetPassWarning)
        return str(
            click.prompt(
                question,
                default=default,
                show_default=False,
                hide_input=hide_input,
                confirmation_prompt=twice,
                err=True,
            )
        )


#: How much of a command's first sentence a group's --help lists: all of it, wrapped, in practice.
SHORT_HELP_LIMIT = 100


class HelpGroup(click.Group):
    """A command group whose --help lists each command with the whole first sentence of its help, wrapped, as
    ``sls --help`` does. click's default cuts it at the line's end ("Re-enable an authenticator the server
    disabled after..."): on 80 columns, as in any pipe or CI log, that hid what tells one command from the
    next (``device unlock`` from ``device reset``)."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = self.help_rows(ctx, self.list_commands(ctx))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def help_rows(self, ctx: click.Context, names: Iterable[str]) -> list[tuple[str, str]]:
        rows = []
        for name in names:
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=SHORT_HELP_LIMIT)))
        return rows


def confirm(question: str) -> None:
    """Ask before what cannot be undone (commands with ``--yes``); no is "Aborted!", exit 1. When input ends
    before any answer, a usage error naming --yes, exit 2."""
    with _answered("pass --yes to go ahead"):
        agreed = click.confirm(question, err=True)
    if not agreed:
        raise click.Abort


@contextlib.contextmanager
def _answered(instead: str, *, end_line: bool = True) -> Iterator[None]:
    """click's prompts turn both Ctrl-C and the end of input into Abort ("Aborted!", exit 1); the end of input
    means nobody is there to answer: say what to pass instead."""
    try:
        yield
    except click.Abort as exc:
        if not isinstance(exc.__context__, EOFError):  # Ctrl-C: click's own "Aborted!"
            raise
        if end_line:  # the prompt's (getpass ends its own)
            click.echo(err=True)
        raise CliError(f"no answer (the input ended): {instead}", EXIT_USAGE) from None


def warn(message: str) -> None:
    err().print(Text(f"warning: {message}", style="yellow"), soft_wrap=True)


def note(message: str) -> None:
    """A hint for people, on stderr so that ``--json`` output on stdout stays clean."""
    err().print(Text(message, style="dim"), soft_wrap=True)


def print_json(data: Any, *, compact: bool = False) -> None:
    text = json.dumps(data, separators=(",", ":")) if compact else json.dumps(data, indent=2)
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def print_response(result: Mapping[str, Any], as_json: bool) -> None:
    """A response to type into a login page (a card's, the IB Key app's): the digits alone, so they fit in a
    shell variable, or the whole answer with ``--json``."""
    if as_json:
        print_json(result)
    else:
        click.echo(result["response"])


def titled(title: str | None, grid: Table) -> RenderableType:
    """The title on a line of its own above the table: a table's own title would wrap to the table's width
    ("network conditions of" / "+15555550100")."""
    if not title:
        return grid
    return Group(Text(title, style="bold italic"), grid)


def table(
    title: str | None, columns: Sequence[str], rows: Iterable[Sequence[Any]], *, wrap: Iterable[str] = ()
) -> RenderableType:
    """Columns stay on one line (ids and keys are copied whole) except those named in ``wrap`` (prose), which
    give way first on a narrow terminal. On a terminal too narrow even for the ids and keys, they fold onto
    the next line of their cell rather than lose their end: a cut device id, copied, names no device."""
    wrapping = set(wrap)
    cells = [[show(value) for value in row] for row in rows]
    widest = [max([len(column), *(len(row[i]) for row in cells)]) for i, column in enumerate(columns)]
    # each column's padding and rule; a prose column keeps a few characters
    needed = sum(
        (PROSE_MIN_WIDTH if column in wrapping else width) + 3
        for column, width in zip(columns, widest, strict=True)
    )
    whole = needed <= out().width
    grid = Table(header_style="bold", box=box.SIMPLE_HEAD)
    for column in columns:
        grid.add_column(column, no_wrap=whole and column not in wrapping, overflow="fold")
    for row in cells:
        grid.add_row(*row)
    return titled(title, grid)


def fields_table(title: str | None, mapping: Mapping[str, Any]) -> RenderableType:
    """One record as a two-column table: field, value. Names are never cut; a value too long for a
    terminal folds onto the next line rather than losing its end (secrets go through ``print_secrets``)."""
    grid = Table(show_header=False, box=None, padding=(0, 1))
    longest = max((len(str(key)) for key in mapping), default=1)
    grid.add_column("field", style="bold", no_wrap=True, min_width=longest)
    grid.add_column("value", overflow="fold")
    for key, value in mapping.items():
        grid.add_row(key, show(value))
    return titled(title, grid)


def show(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(show(v) for v in value) or "-"
    return str(value)


def print_secrets(heading: str, secrets: Mapping[str, Any]) -> None:
    """Values shown once (a card's key, an ``otpauth://`` URI, a passcode): each on a line of its own, whole,
    never in a table cell that a narrow terminal could cut. The terminal may wrap it visually; copying it
    still gives the whole value."""
    shown = {name: value for name, value in secrets.items() if value}
    if not shown:
        return
    text = Text(f"{heading}\n", style="bold")
    for name, value in shown.items():
        text.append(f"  {name}: ", style="bold")
        text.append(f"{value}\n")
    print_renderable(text)


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
