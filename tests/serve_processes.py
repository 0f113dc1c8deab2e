"""Real ``sls serve`` child processes for the tests that talk to a server over HTTP: started on a free port
with the test admin token and the fast hash profile, waited for until they answer, stopped, and handed from
one test to the next (``fresh``); the fixtures ``sls_serve`` (a test's own) and ``demo_server`` (one per
process, with the demo's limits).

It stands apart from ``conftest``, which keeps Redis, the in-process app and its client: a process's start,
log and stop are a subject of their own, which ``shared_servers`` builds on. Loaded by ``tests/conftest.py``
as a plugin, so its fixtures reach every test."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests
import server_log_kit
from cluster.sentinel_topology import LocalSentinel
from cluster.topology import LocalCluster
from conftest import ADMIN_TOKEN, DEMO_ENV, empty

from sls_server.stopping import end_child
from sls_server.store.embedded import EmbeddedRedis, free_port


class ServerProcess:
    """A real ``sls serve`` child process on a free port."""

    def __init__(self, process: subprocess.Popen[bytes], url: str, log_path: Path) -> None:
        self.process = process
        self.url = url
        self.log_path = log_path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def sls(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run an ``sls`` command against this server, as a user in another terminal would."""
        command = [
            sys.executable,
            "-m",
            "sls_server.cli.main",
            *args,
            "--url",
            self.url,
            "--admin-token",
            ADMIN_TOKEN,
        ]
        return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


def start_server(
    redis_url: str, folder: Path, workers: int = 2, port: int | None = None, **env: str
) -> ServerProcess:
    """A ``sls serve`` child on ``port`` (a free one if None), its data and log in ``folder``, answering once
    this returns."""
    port = port or free_port()
    log_path = folder / f"serve-{port}.log"
    environment = {
        **os.environ,
        "SLS_ADMIN_TOKEN": ADMIN_TOKEN,
        "SLS_HASH_PROFILE": "test",
        "SLS_DATA_DIR": str(folder / "serve-data"),
        **env,
    }
    command = [sys.executable, "-m", "sls_server.cli.main", "serve", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--workers", str(workers), "--redis-url", redis_url]
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(command, env=environment, stdout=log_file, stderr=subprocess.STDOUT)
    server = ServerProcess(process, f"http://127.0.0.1:{port}", log_path)
    server_log_kit.follow(server.url, log_path, from_start=True)
    try:
        wait_until_serving(server)
    except BaseException:
        stop_server(server)
        raise
    return server


def stop_server(server: ServerProcess) -> None:
    end_child(server.process, 15)


def fresh(server: ServerProcess, redis_url: str) -> ServerProcess:
    """A server shared by a process's tests, handed to the next test on an emptied Redis (``redis_url``
    flushed it) as a server just started would be: its workers told that the clock is gone (a worker keeps
    the clock it last heard, and a flush says nothing), so a clock a test before moved does not outlive it."""
    if server.process.poll() is not None:
        pytest.fail(f"a shared sls serve exited:\n{server.log()}")
    server_log_kit.follow(server.url, server.log_path)
    from sls_server.store import Store

    store = Store.from_url(redis_url)
    try:
        store.clock.announce_reset()
    finally:
        store.close()
    return server


@pytest.fixture(scope="session")
def demo_server(
    redis_session: EmbeddedRedis | LocalCluster | LocalSentinel, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    """One ``sls serve`` with the demo's limits for this process's CLI tests that need no settings of their
    own (``tests/e2e/cli_world.py``'s ``seeded`` seeds it for each): a server start per test was most of a
    short CLI test's time. Started on a flushed Redis: it may hold another server's sealed secrets."""
    server = start_server(empty(redis_session), tmp_path_factory.mktemp("demo-server"), workers=1, **DEMO_ENV)
    yield server
    stop_server(server)


@pytest.fixture
def sls_serve(redis_url: str, tmp_path: Path) -> Iterator[Callable[..., ServerProcess]]:
    """Start ``sls serve`` processes (``--workers`` etc. as keyword arguments); all are stopped afterwards."""
    started: list[ServerProcess] = []

    def start(
        workers: int = 2, redis: str | None = None, port: int | None = None, **env: str
    ) -> ServerProcess:
        server = start_server(redis or redis_url, tmp_path, workers, port, **env)
        started.append(server)
        return server

    yield start
    for server in started:
        stop_server(server)


def wait_until_serving(server: ServerProcess, timeout_s: float = 30.0) -> None:
    """Poll /healthz until the child answers: waiting on a condition, not on the clock."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"sls serve exited early:\n{server.log()}")
        try:
            if requests.get(f"{server.url}/healthz", timeout=1).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):  # not up yet, or a busy machine: poll again
            time.sleep(0.05)
    raise RuntimeError(f"sls serve did not answer in {timeout_s}s:\n{server.log()}")
