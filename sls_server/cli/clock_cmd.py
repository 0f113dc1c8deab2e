"""``sls clock``: show or move a running server's clock (every worker and instance follows it)."""

from __future__ import annotations

import click

from .admin_commands import admin_options, connect, when
from .output import EXIT_USAGE, CliError, fields_table, print_json, print_renderable
from .server_errors import server_errors


def parse_duration(text: str) -> int:
    """``--advance``'s value, by the grammar a scenario's ``advance_clock`` shares
    (``sls_scenarios.values``); one written in words is told its short form, as a scenario is."""
    from sls_scenarios.durations import duration_words
    from sls_scenarios.values import duration_seconds

    try:
        return duration_seconds(text)
    except ValueError as exc:
        raise CliError(f"--advance: {exc}{duration_words(text)}", EXIT_USAGE) from None


def parse_instant(text: str) -> int:
    """``--set-at``'s value, by the reading a scenario's ``set_clock`` shares (``sls_scenarios.values``),
    within the range the server keeps its clock in (``shapes.clock_range``): refused before any request."""
    from sls_scenarios.values import parse_instant as instant

    from ..shapes.clock_range import CLOCK_MAX, CLOCK_MIN

    try:
        return instant(text, lo=CLOCK_MIN, hi=CLOCK_MAX)
    except ValueError as exc:
        raise CliError(f"--set-at: {exc}", EXIT_USAGE) from None


@click.command()
@click.option(
    "--advance", metavar="DURATION", help="Move the clock by this much: 900, 15m, 2h, 1d, -30s, 1h30m."
)
@click.option(
    "--set-at",
    metavar="TIME",
    help="Set the clock to Unix seconds or an ISO 8601 time with a zone (2030-01-01T09:00:00Z).",
)
@click.option(
    "--freeze/--unfreeze",
    default=None,
    help="Stop the clock where it stands (only moves change it), or let it run on from there; "
    "with --advance or --set-at, frozen or thawed first.",
)
@click.option(
    "--reset", is_flag=True, help="Back to real time (offset 0, running): real TOTP apps agree again."
)
@admin_options
def clock(
    advance: str | None,
    set_at: str | None,
    freeze: bool | None,
    reset: bool,
    url: str | None,
    admin_token: str | None,
    as_json: bool,
) -> None:
    """Show or move the server's clock (GET/POST /admin/v1/clock); every worker follows it.

    \b
    Examples:
      sls clock                      # what time is it on the server (and is it frozen)
      sls clock --advance 15m        # cross an idle timeout now
      sls clock --set-at 2026-01-01T00:00:00Z --freeze   # stand still there until moved
      sls clock --unfreeze           # run on from where it stands
      sls clock --reset              # real time again (and running)
    """
    if sum(x is not None for x in (advance, set_at)) + reset > 1:
        raise CliError("--advance, --set-at and --reset: give one of them", EXIT_USAGE)
    if reset and freeze:
        raise CliError(
            "--reset and --freeze: a reset runs the clock at real time; give one of them", EXIT_USAGE
        )
    advance_s = parse_duration(advance) if advance is not None else None
    at = parse_instant(set_at) if set_at is not None else None
    client = connect(url, admin_token)
    with server_errors():
        if reset:  # one request, one step on the server: from any state, and never half done
            reading = client.move_clock(reset=True)
        elif advance_s is None and at is None and freeze is None:
            reading = client.clock()
        else:
            reading = client.move_clock(advance_s=advance_s, set_at=at, freeze=freeze)
    if as_json:
        print_json(reading)
        return
    shown = {
        "now": when(reading.get("now")),
        "offset_s": reading.get("offset_s"),
        "frozen": "yes: moves only with --advance or --set-at" if reading.get("frozen") else "no",
    }
    print_renderable(fields_table("server clock", shown))
