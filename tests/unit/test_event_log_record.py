"""An event's log record (``events._log``) is made without ``Logger.log``'s walk up the stack
(``findCaller``), and must be the record ``to.log`` made: the same message, arguments, extras and caller,
and nothing left for the garbage collector (the frame it was made in is not kept where it would hold
the record in a cycle)."""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterator

import pytest

from sls_server import events
from sls_server.store.records import Event

EVENT = Event(at=1_700_000_000, type="login_failed", user="alice", ip="192.0.2.7", result="bad_password")


class Keeping(logging.Handler):
    """Keeps what each record says."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[dict[str, object]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.seen.append({**record.__dict__, "message": record.getMessage()})


@pytest.fixture
def logger() -> Iterator[tuple[logging.Logger, Keeping]]:
    found = logging.getLogger("tests.event_log_record")
    handler = Keeping()
    found.addHandler(handler)
    found.setLevel(logging.INFO)
    found.propagate = False
    try:
        yield found, handler
    finally:
        found.removeHandler(handler)


def test_the_record_says_what_logger_log_said(logger: tuple[logging.Logger, Keeping]) -> None:
    to, handler = logger
    events._log(logging.WARNING, EVENT, counted=True, to=to)
    (seen,) = handler.seen
    assert seen["message"] == (
        "login_failed (counted in its window) user=alice ip=192.0.2.7 result=bad_password"
    )
    assert seen["msg"] == "%s%s %s"
    assert seen["name"] == "tests.event_log_record"
    assert seen["levelno"] == logging.WARNING
    assert seen["event"] == EVENT.as_dict()
    assert seen["exc_info"] is None and seen["stack_info"] is None
    # the caller findCaller found: this line of events._log
    code = events._log.__code__
    assert seen["pathname"] == code.co_filename and seen["funcName"] == "_log"
    assert seen["filename"] == "events.py" and seen["module"] == "events"
    last_line = max(line for _, _, line in code.co_lines() if line is not None)
    assert isinstance(seen["lineno"], int) and code.co_firstlineno < seen["lineno"] <= last_line


def test_making_the_record_leaves_no_cycle_for_the_collector(logger: tuple[logging.Logger, Keeping]) -> None:
    """Nothing ``_log`` made is left for the garbage collector: a frame kept in a local would hold itself
    (and the record, the event's fields and the line's words) until the next collection."""
    to, _ = logger
    gc.collect()
    gc.disable()
    try:
        events._log(logging.INFO, EVENT, to=to)
        assert gc.collect() == 0
    finally:
        gc.enable()


def test_nothing_is_made_below_the_level(logger: tuple[logging.Logger, Keeping]) -> None:
    to, handler = logger
    events._log(logging.DEBUG, EVENT, to=to)
    assert handler.seen == []
