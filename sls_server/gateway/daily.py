"""The daily reset's instant: the broker ends every gateway session once a day at a set time."""

from __future__ import annotations

DAY_S = 86400


def minutes_of_day(hhmm: str) -> int:
    hours, _, minutes = hhmm.partition(":")
    return int(hours) * 60 + int(minutes)


def next_reset(after: int, hhmm: str | None) -> int | None:
    """The first instant strictly after ``after`` (Unix s) at ``hhmm`` UTC; None without a reset time.

    Strictly after: a session established at the reset instant itself lives until the next day's."""
    if hhmm is None:
        return None
    day_start = after - after % DAY_S
    at = day_start + minutes_of_day(hhmm) * 60
    return at if at > after else at + DAY_S
