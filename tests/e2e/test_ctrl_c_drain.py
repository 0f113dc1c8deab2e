"""Ctrl-C against a real ``sls serve``: the first drains, a second stops at once.

Ctrl-C sends SIGINT to the terminal's whole process group: the master and every worker at the same instant.
gunicorn takes SIGINT for its quick stop (the worker exits from inside its signal handler; the master sends
SIGQUIT): a login still hashing was cut off without an answer, "Worker exiting" came at once, while the
docs promised that Ctrl-C, like SIGTERM, lets the requests in flight finish."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import redis
import requests
from over_http_kit import card_user_over_http, trainer_console
from own_server_kit import own_server
from serve_processes import ServerProcess, wait_until_serving
from test_cli_demo import wait_for_world
from test_cli_e2e import clean_env

from sls_server.store import keys
from sls_server.store.embedded import free_port

pytestmark = pytest.mark.e2e
PASSWORD = "Correct-Horse-Battery-9"


def _login_in_flight(url: str, tmp_path: Path) -> tuple[threading.Thread, dict[str, Any]]:
    """A ``strong``-profile login, started and seen hashing (its lockout reservation is in Redis)."""
    card_user_over_http(url, "alice", PASSWORD)
    answer: dict[str, Any] = {}

    def log_in() -> None:
        try:
            reply = requests.post(
                f"{url}/api/v1/auth/login", json={"username": "alice", "password": PASSWORD}, timeout=60
            )
            answer.update(status=reply.status_code, body=reply.json())
        except requests.RequestException as exc:
            answer.update(error=exc)

    login = threading.Thread(target=log_in)
    login.start()
    watcher = redis.Redis(unix_socket_path=str(tmp_path / "data" / "redis" / "redis.sock"))
    pattern = keys.lockout_inflight("alice", "*")
    deadline = time.monotonic() + 30
    while not any(watcher.zcard(k) for k in watcher.scan_iter(match=pattern)):
        assert time.monotonic() < deadline and login.is_alive(), "the login never got to its hash"
        time.sleep(0.005)  # polling for the reservation, not waiting for time
    watcher.close()
    return login, answer


def test_a_first_ctrl_c_lets_the_login_in_flight_finish_and_says_so(tmp_path: Path) -> None:
    """The login is answered before its worker says it exits, and the trainer's live feed (a stream of up to
    25 s) ends at once, as on SIGTERM: under the quick stop it held its worker until gunicorn killed it."""
    server = own_server(tmp_path, own_group=True, SLS_HASH_PROFILE="strong")
    try:
        console = trainer_console(server.url)
        with console.get(f"{server.url}/trainer/events", stream=True, timeout=60) as feed:
            lines = feed.iter_lines(decode_unicode=True)
            while next(lines) != "event: live":  # the stream is open and has read the trail
                pass
            login, answer = _login_in_flight(server.url, tmp_path)
            os.killpg(server.process.pid, signal.SIGINT)  # what the terminal does on Ctrl-C
            try:  # ends when the server closes the stream (the timeout above is a safety net)
                for _ in lines:
                    pass
            except requests.exceptions.ChunkedEncodingError as exc:  # its worker was killed under it
                answer.setdefault("feed_cut", exc)
        login.join(timeout=60)
        assert server.process.wait(timeout=60) == 0
    finally:
        if server.process.poll() is None:
            server.process.kill()
    log = server.log()
    assert answer.get("status") == 200, (answer, log)
    assert answer["body"]["state"] == "second_factor"
    assert "finishing the requests in flight" in log and "Ctrl-C again to stop at once" in log, log
    assert log.index('"POST /api/v1/auth/login" 200') < log.index("Worker exiting"), log
    assert "SIGKILL" not in log and "Quick shutdown" not in log, log
    assert "embedded redis-server stopped" in log.strip().splitlines()[-1], log


def test_a_second_ctrl_c_stops_at_once(tmp_path: Path) -> None:
    """The drain is waiting on a login's hash when Ctrl-C comes again: gunicorn's quick stop, cleanly."""
    server = own_server(tmp_path, own_group=True, SLS_HASH_PROFILE="strong")
    try:
        login, _ = _login_in_flight(server.url, tmp_path)
        os.killpg(server.process.pid, signal.SIGINT)
        deadline = time.monotonic() + 30
        while "finishing the requests in flight" not in server.log():
            assert time.monotonic() < deadline, server.log()
            time.sleep(0.01)  # polling the log, not waiting for time
        os.killpg(server.process.pid, signal.SIGINT)
        assert server.process.wait(timeout=60) == 0
        login.join(timeout=60)
    finally:
        if server.process.poll() is None:
            server.process.kill()
    log = server.log()
    assert "SIGKILL" not in log and "Traceback" not in log, log
    assert "embedded redis-server stopped" in log.strip().splitlines()[-1], log


def test_one_ctrl_c_stops_sls_demo_gracefully_too(tmp_path: Path) -> None:
    """``sls demo``'s supervisor passes a signal on to its server, which gets the terminal's SIGINT as well:
    passed on as SIGINT, one Ctrl-C reached the server twice, and the second is the quick stop."""
    port = free_port()
    log_path = tmp_path / "demo.log"
    command = [sys.executable, "-m", "sls_server.cli.main", "demo", "--port", str(port), "--workers", "1"]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            env=clean_env(tmp_path / "data"),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a shell's job: Ctrl-C goes to the whole group
        )
    server = ServerProcess(process, f"http://127.0.0.1:{port}", log_path)
    try:
        wait_until_serving(server)
        wait_for_world(server)
        os.killpg(process.pid, signal.SIGINT)
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    text = server.log()
    assert "Ctrl-C (SIGINT, taken as SIGTERM): finishing the requests in flight" in text, text
    assert "Quick shutdown" not in text and "SIGKILL" not in text, text
    assert "embedded redis-server stopped" in text.strip().splitlines()[-1], text


@pytest.mark.parametrize("threads", ["1", "4"])
def test_a_ctrl_c_with_nothing_in_flight_ends_every_worker_by_itself(tmp_path: Path, threads: str) -> None:
    """A worker that drained on the terminal's SIGINT could end before the master's SIGTERM came, which then
    found it in Python's shutdown and killed it: "Worker (pid:N) was sent SIGTERM!" (``--threads 1``)."""
    server = own_server(tmp_path, own_group=True, workers=2, SLS_THREADS=threads)
    os.killpg(server.process.pid, signal.SIGINT)
    assert server.process.wait(timeout=60) == 0
    log = server.log()
    assert "was sent" not in log, log
    assert "embedded redis-server stopped" in log.strip().splitlines()[-1], log
