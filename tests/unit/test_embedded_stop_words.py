"""What the server's log says as it stops its embedded redis-server (``EmbeddedRedis.tell_stop``): written
out, dead before it was asked, or killed after its grace. A real redis-server where the case can be made."""

from __future__ import annotations

import logging
import os
import signal
from pathlib import Path

import pytest
from conftest import wait_until

from sls_server.store import embedded_process
from sls_server.store.embedded import EmbeddedRedis
from sls_server.store.embedded_process import Ended, how_it_ended


def _said(caplog: pytest.LogCaptureFixture) -> list[tuple[int, str]]:
    return [(r.levelno, r.getMessage()) for r in caplog.records if r.name == "sls_server.store.embedded"]


def test_a_clean_stop_says_the_aof_is_written_out(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    server = EmbeddedRedis(tmp_path / "redis").start()
    server.tell_stop = True
    with caplog.at_level(logging.INFO, logger="sls_server.store.embedded"):
        server.stop()
    said = _said(caplog)[-1]
    assert said == (
        logging.INFO,
        f"embedded redis-server stopped: its append-only file in {tmp_path / 'redis'} is written out",
    )


def test_a_redis_dead_before_the_stop_is_a_warning_naming_its_log(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    server = EmbeddedRedis(tmp_path / "redis").start()
    assert server.process is not None
    os.kill(server.process.pid, signal.SIGKILL)
    wait_until(lambda: server.process is not None and server.process.poll() is not None)
    server.tell_stop = True
    with caplog.at_level(logging.INFO, logger="sls_server.store.embedded"):
        server.stop()
    level, message = _said(caplog)[-1]
    assert level == logging.WARNING
    assert "had already ended (killed by signal SIGKILL)" in message, message
    assert str(tmp_path / "redis" / "redis.log") in message, message


def test_a_stop_that_is_no_news_says_nothing(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A failed start's, a test's: ``tell_stop`` is off until a server serves."""
    server = EmbeddedRedis(tmp_path / "redis").start()
    with caplog.at_level(logging.INFO, logger="sls_server.store.embedded"):
        server.stop()
    assert not [m for _, m in _said(caplog) if "stopped" in m or "ended" in m], _said(caplog)


def test_a_redis_killed_after_its_grace_is_told_as_a_possible_loss() -> None:
    level, message = how_it_ended(Ended(True, True, -9), Path("/d/redis"), appendonly=True)
    assert level == logging.WARNING
    grace = embedded_process.STOP_GRACE_S
    assert message.startswith(f"embedded redis-server did not stop within {grace} s and was killed"), message
    assert "redis-check-aof" in message and "/d/redis/redis.log" in message, message


def test_a_stop_with_an_error_exit_is_a_warning() -> None:
    level, message = how_it_ended(Ended(True, False, 1), Path("/d/redis"), appendonly=True)
    assert (level, message) == (
        logging.WARNING,
        "embedded redis-server stopped with exit code 1; its log: /d/redis/redis.log",
    )
