"""A Redis that did not answer at start-up has the secret key checked once it answers (``cli.key_watch``).

``sls serve`` refuses, exit 2 naming ``SLS_SECRET_KEY``, to start on a Redis whose secrets are sealed under
another key; but started while that Redis was down (a team's Redis restarting), it was never asked, and
went on serving with its own key once Redis was back: 500 for every card the other instances enrolled, and
its own enrolments sealed under a key they cannot open. Now the master asks again once Redis answers.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from conftest import ADMIN_TOKEN
from serve_processes import ServerProcess, wait_until_serving

from sls_server.secretbox import key_check
from sls_server.store import Store, keys
from sls_server.store.embedded import EmbeddedRedis, free_port

pytestmark = pytest.mark.e2e

THEIRS, MINE = bytes(range(32)), bytes(range(1, 33))


def serve_while_redis_is_down(own: EmbeddedRedis, tmp_path: Path, key: bytes) -> ServerProcess:
    port = free_port()
    log_path = tmp_path / "serve.log"
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith("SLS_")},
        "SLS_ADMIN_TOKEN": ADMIN_TOKEN,
        "SLS_SECRET_KEY": key.hex(),
        "SLS_HASH_PROFILE": "test",
        "SLS_DATA_DIR": str(tmp_path / "data"),
        "SLS_LOG_FORMAT": "json",
        "SLS_REDIS_TIMEOUT": "0.5",
    }
    command = [sys.executable, "-m", "sls_server.cli.main", "serve", "--port", str(port), "--workers", "1"]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*command, "--redis-url", own.url], env=environment, stdout=log, stderr=subprocess.STDOUT
        )
    server = ServerProcess(process, f"http://127.0.0.1:{port}", log_path)
    wait_until_serving(server)
    return server


def messages(server: ServerProcess) -> list[str]:
    return [
        str(json.loads(line).get("message", "")) for line in server.log().splitlines() if line.startswith("{")
    ]


def test_another_key_stops_the_server_once_redis_answers(tmp_path: Path) -> None:
    own = EmbeddedRedis(tmp_path / "own-redis").start()
    server: ServerProcess | None = None
    try:
        store = Store.from_url(own.url)
        store.claim_key_check(key_check(THEIRS), first_form=key_check(THEIRS, form=1))  # the others' key
        store.close()
        own.stop()

        server = serve_while_redis_is_down(own, tmp_path, MINE)
        assert any("did not answer at start-up" in said for said in messages(server))
        own.start()  # back, from its AOF, with the others' key check

        assert server.process.wait(timeout=30) == 2, server.log()
        assert "sealed under another key" in server.log() and "SLS_SECRET_KEY" in server.log()
        assert MINE.hex() not in server.log() and THEIRS.hex() not in server.log()
    finally:
        if server is not None and server.process.poll() is None:
            server.process.send_signal(signal.SIGINT)
            server.process.wait(timeout=30)
        own.stop()


def test_the_key_is_recorded_once_redis_answers_and_the_server_serves_on(tmp_path: Path) -> None:
    own = EmbeddedRedis(tmp_path / "own-redis").start()
    server: ServerProcess | None = None
    try:
        own.stop()  # a Redis no server has used yet: the first one checked records its key's check
        server = serve_while_redis_is_down(own, tmp_path, MINE)
        own.start()

        said = "SLS_SECRET_KEY: checked against Redis, which answers now"
        deadline = time.monotonic() + 30
        while said not in messages(server) and time.monotonic() < deadline:
            assert server.process.poll() is None, server.log()
            time.sleep(0.05)  # polling the log for a condition, not waiting for time to pass
        assert said in messages(server), server.log()
        assert requests.get(f"{server.url}/readyz", timeout=5).status_code == 200
        store = Store.from_url(own.url)
        assert store.client.get(keys.SECRET_KEY_CHECK) in (key_check(MINE), key_check(MINE).encode())
        store.close()
    finally:
        if server is not None and server.process.poll() is None:
            server.process.send_signal(signal.SIGINT)
            server.process.wait(timeout=30)
        own.stop()
