"""A real ``sls serve`` on an embedded Redis (no ``--redis-url``), for tests of what it does with it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import redis
from conftest import ADMIN_TOKEN
from serve_processes import ServerProcess, wait_until_serving

from sls_server.store.embedded import free_port


def own_server(
    tmp_path: Path, *, data: str = "data", own_group: bool = False, workers: int = 1, **env: str
) -> ServerProcess:
    """``sls serve`` with the embedded Redis of ``tmp_path/data``, ``workers`` workers (one unless told),
    answering once this returns (its log in ``tmp_path``); ``own_group``: in a process group of its own, as
    a shell's job is (a signal may go to the whole group, as Ctrl-C's or timeout's)."""
    port = free_port()
    log_path = tmp_path / f"serve-{port}.log"
    environment = {
        **os.environ,
        "SLS_ADMIN_TOKEN": ADMIN_TOKEN,
        "SLS_DATA_DIR": str(tmp_path / data),
        **env,
    }
    command = [
        sys.executable,
        "-m",
        "sls_server.cli.main",
        "serve",
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, env=environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=own_group
        )
    server = ServerProcess(process, f"http://127.0.0.1:{port}", log_path)
    wait_until_serving(server)
    return server


def wait_until_the_aof_is_written(client: redis.Redis) -> None:
    """Until Redis has handed its AOF buffer to the kernel, where a killed process cannot lose it. With
    ``appendfsync everysec`` Redis answers a write before writing it, and while the last second's fsync is
    still running (a busy disk: a CI machine under the whole suite) it holds the write back up to 2 s: a
    SIGKILL then loses the user this test made (seen on CI). The server promises no more than that."""
    deadline = time.monotonic() + 30
    while int(client.info("persistence")["aof_buffer_length"]) > 0:
        assert time.monotonic() < deadline, "the AOF buffer was never written"
        time.sleep(0.01)  # polling Redis's own state, not waiting for time
