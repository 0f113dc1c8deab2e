"""An audit event's log record made in one step (``telemetry.line_records``) is the record
``Logger.makeRecord`` makes: every attribute, its value and its place, whatever ``logging``'s switches
say, and ``makeRecord``'s own when someone else's record factory is set. And it is made without splitting
the file's name again (``makeRecord`` did, twice a line: four lines a flow)."""

from __future__ import annotations

import logging
import posixpath
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from freezegun import freeze_time

from sls_server import events
from sls_server.store.records import Event
from sls_server.telemetry.line_records import MADE_HERE, LineRecords

EVENT = Event(at=1_700_000_000, type="login.succeeded", user="alice", ip="192.0.2.7", result="success")
LINES = LineRecords(events._log.__code__.co_filename, "_log", "%s%s %s")
ARGS = ("login.succeeded", "", "user=alice")
EXTRA = {"event": {"type": "login.succeeded"}}


@pytest.fixture
def logger() -> logging.Logger:
    found = logging.getLogger("tests.line_records")
    found.setLevel(logging.DEBUG)
    return found


@pytest.fixture(params=[(True, True, True), (False, False, True), (True, False, False), (False, True, False)])
def switches(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """``logging``'s switches: all on (the default, and the harness's), or as ``sls serve`` sets them."""
    threads, multiprocessing, processes = request.param
    monkeypatch.setattr(logging, "logThreads", threads)
    monkeypatch.setattr(logging, "logMultiprocessing", multiprocessing)
    monkeypatch.setattr(logging, "logProcesses", processes)


def _made(logger: logging.Logger, level: int) -> dict[str, Any]:
    return dict(
        logger.makeRecord(
            logger.name, level, LINES._pathname, 42, "%s%s %s", ARGS, None, "_log", EXTRA
        ).__dict__
    )


@pytest.mark.usefixtures("switches")
@pytest.mark.parametrize("level", [logging.INFO, logging.DEBUG, logging.WARNING, 25])
def test_the_record_is_make_records_attribute_for_attribute_in_its_order(
    logger: logging.Logger, level: int
) -> None:
    with freeze_time("2026-12-05 09:00:00.123456"):
        made = LINES.make(logger, level, 42, ARGS, EXTRA)
        expected = _made(logger, level)
    assert type(made) is logging.LogRecord
    assert list(made.__dict__.items()) == list(expected.items())
    assert made.getMessage() == "login.succeeded user=alice"


def test_a_record_factory_of_someone_elses_makes_the_record(logger: logging.Logger) -> None:
    class Theirs(logging.LogRecord):
        pass

    logging.setLogRecordFactory(Theirs)
    try:
        made = LINES.make(logger, logging.INFO, 42, ARGS, EXTRA)
    finally:
        logging.setLogRecordFactory(logging.LogRecord)
    assert type(made) is Theirs and made.__dict__["event"] == EXTRA["event"]


@pytest.fixture
def keeping() -> Iterator[list[logging.LogRecord]]:
    seen: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = seen.append  # type: ignore[method-assign]
    handler.setLevel(logging.INFO)
    events.log.addHandler(handler)
    level = events.log.level
    events.log.setLevel(logging.INFO)
    try:
        yield seen
    finally:
        events.log.removeHandler(handler)
        events.log.setLevel(level)


@pytest.mark.skipif(not MADE_HERE, reason="another Python's records are makeRecord's")
def test_an_events_line_splits_no_file_name(keeping: list[logging.LogRecord]) -> None:
    """Counted by the profiler: ``posixpath.basename`` (and ``splitext``) once a line before."""
    calls: list[str] = []

    def count(frame: Any, what: str, arg: Any) -> None:
        if what == "call" and frame.f_code in (posixpath.basename.__code__, posixpath.splitext.__code__):
            calls.append(frame.f_code.co_name)

    sys.setprofile(count)
    try:
        for _ in range(4):
            events._log(logging.INFO, EVENT)
    finally:
        sys.setprofile(None)
    assert calls == []
    assert len(keeping) == 4 and keeping[0].filename == "events.py" and keeping[0].module == "events"
