"""A log record for a line written from one place many times: an audit event's (four a flow).

``Logger.makeRecord`` builds each ``LogRecord`` attribute by attribute, and splits the calling file's name
twice (``os.path.basename``, then ``splitext`` for ``module``) on every line, though the file, function
and message format of one call site never change. :class:`LineRecords` works those out once, from
a record ``LogRecord`` itself made, and makes each record in one step: the same attributes with the same
values, in the same order, set as ``LogRecord.__init__`` sets them on Python 3.11 (the time, the thread
and the process as the ``logging`` module's switches say). Some 20,000 instructions fewer a flow in
``sls_bench/step_instructions.py`` (docs/performance.md, "A fourteenth step").

On another Python, or with a record factory of someone else's (``logging.setLogRecordFactory``), the
record is ``makeRecord``'s own: ``tests/unit/test_line_records.py`` compares the two on 3.11, the version
the Dockerfile ships, and a later version's ``LogRecord`` (3.12 added ``taskName`` and took the time in
nanoseconds) is not guessed at.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
import time
from typing import Any

#: Whether this Python's ``LogRecord.__init__`` is the one :meth:`LineRecords.make` does the work of.
MADE_HERE = sys.version_info[:2] == (3, 11)


class LineRecords:
    """The records of one call site: its file, function and message format."""

    __slots__ = ("_filename", "_func", "_module", "_msg", "_pathname")

    def __init__(self, pathname: str, func: str, msg: str) -> None:
        made = logging.LogRecord("", logging.INFO, pathname, 0, msg, None, None, func)
        self._pathname, self._func, self._msg = pathname, func, msg
        self._filename, self._module = made.filename, made.module

    def make(
        self, logger: logging.Logger, level: int, lineno: int, args: tuple[Any, ...], extra: dict[str, Any]
    ) -> logging.LogRecord:
        """``logger.makeRecord(logger.name, level, <the site's file>, lineno, <its message>, args, None,
        <its function>, extra)``. ``args`` is never a single mapping (which ``LogRecord`` would unwrap), and
        ``extra`` names no attribute a record has (which ``makeRecord`` refuses)."""
        if not MADE_HERE or logging.getLogRecordFactory() is not logging.LogRecord:
            return logger.makeRecord(
                logger.name, level, self._pathname, lineno, self._msg, args, None, self._func, extra
            )
        ct = time.time()
        if logging.logThreads:
            thread: int | None = threading.get_ident()
            thread_name: str | None = threading.current_thread().name
        else:
            thread = thread_name = None
        process_name = None
        if logging.logMultiprocessing:
            process_name = "MainProcess"
            mp = sys.modules.get("multiprocessing")
            if mp is not None:
                with contextlib.suppress(Exception):  # as LogRecord: a name it cannot read is left as it is
                    process_name = mp.current_process().name
        record = _bare(logging.LogRecord)
        record.__dict__ = {
            "name": logger.name,
            "msg": self._msg,
            "args": args,
            "levelname": logging.getLevelName(level),
            "levelno": level,
            "pathname": self._pathname,
            "filename": self._filename,
            "module": self._module,
            "exc_info": None,
            "exc_text": None,
            "stack_info": None,
            "lineno": lineno,
            "funcName": self._func,
            "created": ct,
            "msecs": int((ct - int(ct)) * 1000) + 0.0,
            "relativeCreated": (ct - logging._startTime) * 1000,  # type: ignore[attr-defined]  # as LogRecord
            "thread": thread,
            "threadName": thread_name,
            "processName": process_name,
            "process": os.getpid() if logging.logProcesses and hasattr(os, "getpid") else None,
            **extra,
        }
        return record


_bare = object.__new__
