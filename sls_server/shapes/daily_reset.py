"""The gateway's daily-reset time as every input writes it: ``SLS_GATEWAY_DAILY_RESET``, ``sls gateway-state
daily-reset``, ``PUT /admin/v1/gateway/daily-reset`` and the trainer console. One rule and one parser, so a
time one of them takes is never refused by another: ``H:MM`` or ``HH:MM`` on a 24-hour clock (UTC),
normalised to ``HH:MM``; in text (the setting, the CLI) ``off`` is what JSON writes as ``null``: no reset.

Standard library only: the setting's parser and the CLI import it without pydantic.
"""

from __future__ import annotations

import re

#: H:MM or HH:MM, 00:00 to 23:59 (the shapes' JSON Schema ``pattern`` too).
DAILY_RESET_PATTERN = r"^([01]?[0-9]|2[0-3]):([0-5][0-9])$"
#: What a refusal says after the field's or the setting's name.
DAILY_RESET_RULE = "must be HH:MM (UTC), 00:00 to 23:59"
#: The text that turns the daily reset off (the setting's and the CLI's spelling of JSON's null).
OFF = "off"


def daily_reset_time(text: str) -> str:
    """``HH:MM`` of a time written ``H:MM`` or ``HH:MM``; ValueError naming the rule otherwise."""
    match = re.fullmatch(DAILY_RESET_PATTERN, text.strip())
    if match is None:
        raise ValueError(f"{DAILY_RESET_RULE}, got {text!r}")
    return f"{int(match[1]):02d}:{match[2]}"


def parse_daily_reset(text: str) -> str | None:
    """A daily reset written as text: its ``HH:MM``, or None for ``off`` (any case)."""
    if text.strip().lower() == OFF:
        return None
    try:
        return daily_reset_time(text)
    except ValueError:
        raise ValueError(f"{DAILY_RESET_RULE}, or {OFF}; got {text!r}") from None
