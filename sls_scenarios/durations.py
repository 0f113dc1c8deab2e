"""A duration written in words (``2 minutes``), and the short form the clock's movers take instead.

One function for every place that refuses a duration: a scenario's validation (``value_checks``), its
``advance_clock`` step at run time (a ``${variable}`` holding words) and ``sls clock --advance``. It lives
apart from ``meant`` (which loads the scenario schema) so the CLI imports only this and ``values``.
"""

from __future__ import annotations

import re

from .values import duration_seconds

#: Each unit in seconds, by its letter.
_UNIT_S = {"d": 86_400, "h": 3_600, "m": 60, "s": 1}

#: A duration written in words (``2 minutes``, ``90 secs``, ``1 hour 30 minutes``): each count and its unit.
_WORDED = re.compile(r"([0-9]+)\s*(days?|d|hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s)\b", re.I)
_WORDED_WHOLE = re.compile(rf"[+-]?\s*(?:{_WORDED.pattern}(?:\s*,?\s*(?:and\s+)?)?)+", re.I)


def duration_words(text: str) -> str:
    """The short form of a duration written in words (``2 minutes`` is ``2m``, ``1 hour 30 minutes``
    ``1h30m``), which ``advance_clock`` and ``sls clock --advance`` take (``values.duration_seconds``), as
    `` (did you mean '2m'?)`` to add to the refusal; ``""`` when ``text`` is not a duration in words. The
    refusal alone listed the forms, leaving the writer to work out which one they meant."""
    written = text.strip()
    if not _WORDED_WHOLE.fullmatch(written):
        return ""
    units = [(int(count), word[0].lower()) for count, word in _WORDED.findall(written)]
    seconds = sum(count * _UNIT_S[unit] for count, unit in units)
    order = [unit for _, unit in units]
    if order == sorted(set(order), key="dhms".index):  # as written, each unit once, largest first
        short = "".join(f"{count}{unit}" for count, unit in units)
    else:
        short = _shortest(seconds)
    short = f"-{short}" if written.startswith("-") else short
    try:
        duration_seconds(short)
    except ValueError:
        return ""
    return f" (did you mean {short!r}?)"


def _shortest(seconds: int) -> str:
    """``seconds`` in days, hours, minutes and seconds, largest first, those it has (``90``: ``1m30s``)."""
    parts = []
    for unit in "dhms":
        count, seconds = divmod(seconds, _UNIT_S[unit])
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts) or "0"
