"""What a server says as it stops: its last log line tells the operator how the embedded Redis ended.

gunicorn's "Shutting down: Master" was the last line, and the embedded Redis was stopped after it without a
word: whether its append-only file was written out or the Redis had to be killed (a data loss to check for)
was in the Redis's own log alone."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import ADMIN_TOKEN
from own_server_kit import own_server
from test_cli_demo import demo, stop  # noqa: F401

from sls_server.store.embedded import free_port

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT], ids=["sigterm", "sigint"])
def test_the_last_line_says_the_embedded_redis_stopped_with_its_aof_written(
    tmp_path: Path, how: signal.Signals
) -> None:
    server = own_server(tmp_path)
    server.process.send_signal(how)
    assert server.process.wait(timeout=60) == 0
    last = server.log().strip().splitlines()[-1]
    assert "embedded redis-server stopped" in last, server.log()
    assert f"append-only file in {tmp_path / 'data' / 'redis'} is written out" in last, last


def test_under_json_logs_the_last_line_is_json_too(tmp_path: Path) -> None:
    server = own_server(tmp_path, SLS_LOG_FORMAT="json")
    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(timeout=60) == 0
    last = json.loads(server.log().strip().splitlines()[-1])
    assert last["level"] == "info" and "embedded redis-server stopped" in last["message"], last


def test_a_server_sharing_another_ones_redis_does_not_claim_to_stop_it(tmp_path: Path) -> None:
    owner = own_server(tmp_path)
    try:
        sharer = own_server(tmp_path)
        sharer.process.send_signal(signal.SIGTERM)
        assert sharer.process.wait(timeout=60) == 0
        assert "embedded redis-server stopped" not in sharer.log(), sharer.log()
    finally:
        owner.process.send_signal(signal.SIGTERM)
        owner.process.wait(timeout=60)


def test_a_start_that_fails_after_its_redis_started_says_its_error_alone(tmp_path: Path) -> None:
    """The stop of a Redis a failed start made is no news: the error stays the one line (``start_lines``)."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "gateway.json").mkdir()  # where the gateway writes its file: refused after the Redis
    port = free_port()
    environment = {**os.environ, "SLS_ADMIN_TOKEN": ADMIN_TOKEN, "SLS_DATA_DIR": str(tmp_path / "data")}
    command = [sys.executable, "-m", "sls_server.cli.main", "gateway", "--port", str(port), "--workers", "1"]
    done = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines() == [done.stderr.strip()], done.stderr
    assert "gateway.json" in done.stderr and "redis-server stopped" not in done.stderr, done.stderr


def test_demo_says_it_too(demo: Any) -> None:  # noqa: F811
    server = demo()
    assert stop(server) == 0
    assert "embedded redis-server stopped" in server.log().strip().splitlines()[-1], server.log()
