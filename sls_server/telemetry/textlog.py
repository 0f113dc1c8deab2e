"""``SLS_LOG_FORMAT=text`` (the default): gunicorn's own line format for the service's lines.

The time is the costly part of a line: ``time.localtime`` asks the C library, which looks at the zone file
(a system call) every time when ``TZ`` is not set, and ``strftime`` formats it. A served request writes two
lines or more, mostly within one second of the last, so the text of the current second is kept and reused.
"""

from __future__ import annotations

import logging

LINE_FORMAT = "[%(asctime)s] [%(process)d] [%(levelname)s] %(name)s: %(message)s"
TIME_FORMAT = "%Y-%m-%d %H:%M:%S %z"


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__(LINE_FORMAT, TIME_FORMAT)
        self._second: tuple[int, str] = (-1, "")  # replaced whole, so threads never read half of it

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        second, text = self._second
        if int(record.created) != second or datefmt != TIME_FORMAT:
            text = super().formatTime(record, datefmt)
            if datefmt == TIME_FORMAT:
                self._second = (int(record.created), text)
        return text
