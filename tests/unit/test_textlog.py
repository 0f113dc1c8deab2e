"""The text log line keeps the formatted time of its second: lines read exactly as logging's own formatter
writes them, across seconds, in either order."""

from __future__ import annotations

import logging

from sls_server.telemetry.textlog import LINE_FORMAT, TIME_FORMAT, TextFormatter


def record(created: float, message: str = "login.succeeded user=carl") -> logging.LogRecord:
    made = logging.LogRecord("sls_server.events", logging.INFO, "", 0, message, None, None)
    made.created = created
    made.msecs = 0.0
    return made


def test_lines_read_as_loggings_own_formatter_writes_them_second_after_second() -> None:
    ours, theirs = TextFormatter(), logging.Formatter(LINE_FORMAT, TIME_FORMAT)
    instants = [
        1_800_000_000.1,
        1_800_000_000.9,
        1_800_000_001.0,
        1_800_000_001.5,
        1_799_999_999.2,
        1_800_003_600.0,
    ]
    for instant in instants:
        assert ours.format(record(instant)) == theirs.format(record(instant))


def test_a_new_second_is_formatted_anew_not_served_from_the_last() -> None:
    formatter = TextFormatter()
    first = formatter.formatTime(record(1_800_000_000.2), TIME_FORMAT)
    later = formatter.formatTime(record(1_800_000_061.2), TIME_FORMAT)
    assert first != later
    assert formatter.formatTime(record(1_800_000_000.7), TIME_FORMAT) == first


def test_another_time_format_is_never_served_the_kept_text() -> None:
    formatter = TextFormatter()
    formatter.formatTime(record(1_800_000_000.0), TIME_FORMAT)
    assert formatter.formatTime(record(1_800_000_000.0), "%H") == logging.Formatter().formatTime(
        record(1_800_000_000.0), "%H"
    )
