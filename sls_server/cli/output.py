"""Everything the CLI prints: rich tables and panels for people, JSON for scripts, red one-line errors (with
``--json``, one JSON object instead: ``CliError.show``, the one place a failure is told).

Consoles are made per call, not at import, so they write to whatever ``sys.stdout`` / ``sys.stderr`` is
at that moment (click's test runner swaps them). Nothing here ever wraps an error over two lines.

When stdout is no terminal (a pipe, a file, a CI log), there is no screen width to fit: rich's fallback of 80
columns would wrap ids mid-word and ellipsise values, so such output gets a console as wide as it needs and
tables come out one row per line. One-time secrets (a card's key, an ``otpauth://`` URI) are never put in a
table cell at all: they go on lines of their own (``print_secrets``), whole, whatever the width.

And the groups' --help (``HelpGroup``); what the CLI asks and reads is ``reading``'s. Exit codes: 0 done;
1 the server or the network said no; 2 the command line.
"""

from __future__ import annotations

import contextlib
import json
import re
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import click
from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from ..redis_urls import mask_url as mask_url  # the rule is the server's too (GET /admin/v1/settings)

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
    """stdout: the terminal's width on a terminal, else wide enough never to wrap or cut a row. No emoji
    codes: what the server holds (a label "work :x: phone") is printed as it is, not as "work ❌ phone"."""
    if is_terminal(sys.stdout):
        return Console(highlight=False, emoji=False)
    return Console(highlight=False, emoji=False, width=UNBOUNDED_WIDTH)


def err() -> Console:
    return Console(stderr=True, highlight=False, emoji=False)


#: The code a local failure tells with ``--json`` when it has none of its own: the command line or the
#: configuration is wrong (exit 2), or something else stopped the command (exit 1).
USAGE_CODE = "invalid_option"
FAILED_CODE = "failed"

#: ``ctx.meta`` key: the word ``--json`` was on the command line (read before any option is parsed).
JSON_ASKED = "sls.json_asked"


class CliError(click.ClickException):
    """A failure told in one red line, ``error: <message>``, on stderr; never a traceback. When the command
    line asked for ``--json``, one JSON object on stderr instead, ``{"error": {"code", "message", "status"}}``
    (stdout stays empty, the exit code is the same): ``code`` and ``status`` are the server's when it said
    no (``said`` its own message, ``details`` the rest of its error body), else a local code and no status.
    Whether JSON was asked for is read from the click context the error is raised in."""

    def __init__(
        self,
        message: str,
        exit_code: int = EXIT_FAILED,
        *,
        code: str | None = None,
        status: int | None = None,
        said: str | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.exit_code = exit_code  # type: ignore[misc]  # click declares a ClassVar, yet reads the instance's
        self.code = code or (USAGE_CODE if exit_code == EXIT_USAGE else FAILED_CODE)
        self.status = status
        self.said = said if said is not None else message
        self.details = dict(details or {})
        self.as_json = json_asked(click.get_current_context(silent=True))

    def as_dict(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.said, "status": self.status}
        if self.details:
            error["details"] = self.details
        return {"error": error}

    def show(self, file: Any = None) -> None:
        if self.as_json:
            sys.stderr.write(json.dumps(self.as_dict()) + "\n")
            sys.stderr.flush()
            return
        err().print(Text(f"error: {self.message}", style="bold red"), soft_wrap=True)


def json_asked(ctx: click.Context | None) -> bool:
    """Whether the command line asked for ``--json``: the flag as parsed, or the word among the arguments
    when the failure came before the flag was read (a bad value of an earlier option)."""
    while ctx is not None:
        if ctx.params.get("as_json") or ctx.meta.get(JSON_ASKED):
            return True
        ctx = ctx.parent
    return False


def _asks_json(args: Sequence[str]) -> bool:
    given = list(args)
    return "--json" in (given[: given.index("--")] if "--" in given else given)


#: How much of a command's first sentence a group's --help lists: all of it, wrapped (the longest is about 210
#: characters; at 100, eight were cut mid-sentence, "(POST..." and "work the simulated card,...").
SHORT_HELP_LIMIT = 240


class HelpGroup(click.Group):
    """A command group whose --help lists each command with the whole first sentence of its help, wrapped, as
    ``sls --help`` does. click's default cuts it at the line's end ("Re-enable an authenticator the server
    disabled after..."): on 80 columns, as in any pipe or CI log, that hid what tells one command from the
    next (``device unlock`` from ``device reset``)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta[JSON_ASKED] = ctx.meta.get(JSON_ASKED) or _asks_json(args)
        if not args and self.no_args_is_help and not ctx.resilient_parsing:
            # A group given nothing (``sls``, ``sls device``): its help is what was asked for, so it goes to
            # stdout with exit 0, as --help's does. click's usage error put it on stderr with exit 2, and
            # ``sls | less`` showed nothing.
            click.echo(ctx.get_help(), color=ctx.color)
            ctx.exit(0)
        with _usage_errors(ctx):
            return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        with _usage_errors(ctx):
            return super().invoke(ctx)

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


@contextlib.contextmanager
def _usage_errors(ctx: click.Context) -> Iterator[None]:
    """click's own usage errors (an unknown option, a bad value: its usage text and ``Error: ...``) under a
    group's commands: with ``--json``, a ``CliError`` like any other failure, so it is told as JSON."""
    try:
        yield
    except click.UsageError as raised:
        exc = _hint_the_option(raised)
        if not json_asked(ctx):
            raise exc from None
        failure = CliError(exc.format_message(), exc.exit_code, code=USAGE_CODE)
        failure.as_json = True
        raise failure from None


def _hint_the_option(exc: click.UsageError) -> click.UsageError:
    """``sls clock advance 15m``: the extra word is one of the command's options without its dashes, so the
    error says which (``did you mean --advance 15m?``), not only that the words were unexpected."""
    found = re.fullmatch(r"Got unexpected extra arguments? \((\S+)(.*)\)", exc.message)
    if found is None or exc.ctx is None:
        return exc
    option = "--" + found[1]
    if not any(option in param.opts for param in exc.ctx.command.params):
        return exc
    return click.UsageError(f"{exc.message}; did you mean {option}{found[2]}?", exc.ctx)


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
        grid.add_row(*(Text(cell) for cell in row))  # the server's text, never read as markup
    return titled(title, grid)


def fields_table(title: str | None, mapping: Mapping[str, Any]) -> RenderableType:
    """One record as a two-column table: field, value. Names are never cut; a value too long for a
    terminal folds onto the next line rather than losing its end (secrets go through ``print_secrets``)."""
    grid = Table(show_header=False, box=None, padding=(0, 1))
    longest = max((len(str(key)) for key in mapping), default=1)
    grid.add_column("field", style="bold", no_wrap=True, min_width=longest)
    grid.add_column("value", overflow="fold")
    for key, value in mapping.items():
        grid.add_row(Text(str(key)), Text(show(value)))  # the server's text, never read as markup
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
