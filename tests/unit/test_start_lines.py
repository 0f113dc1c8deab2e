"""The master's lines while a start may fail: written once it succeeded, dropped when it failed
(``cli.start_lines``), so a failed start's error is its one line."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from sls_server.cli.start_lines import HeldLines, held_until_started


@pytest.fixture
def written(monkeypatch: pytest.MonkeyPatch) -> Iterator[io.StringIO]:
    """A stderr-like handler on a logger of the service's, with the hold's filter, as ``log_to_stderr``
    sets it up."""
    import sls_server.cli.start_lines as start_lines

    hold = HeldLines()
    monkeypatch.setattr(start_lines, "HOLD", hold)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    hold.attach(handler)
    logger = logging.getLogger("sls_server.test_start_lines")
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    yield stream
    logger.removeHandler(handler)


def test_lines_are_written_in_order_once_the_start_succeeded(written: io.StringIO) -> None:
    logger = logging.getLogger("sls_server.test_start_lines")
    with held_until_started():
        logger.info("generated secret.key")
        with held_until_started():  # the gateway's hold around start()'s own: the outer one owns them
            logger.warning("Redis did not answer")
        assert written.getvalue() == ""
    assert written.getvalue() == "generated secret.key\nRedis did not answer\n"
    logger.info("served")  # no hold: at once
    assert written.getvalue().endswith("served\n")


def test_lines_are_dropped_when_the_start_failed(written: io.StringIO) -> None:
    logger = logging.getLogger("sls_server.test_start_lines")
    with pytest.raises(RuntimeError), held_until_started():
        logger.info("generated secret.key")
        raise RuntimeError("the port is in use")
    assert written.getvalue() == ""
    logger.info("a later line")
    assert written.getvalue() == "a later line\n"
