"""Operations against real ``sls serve`` processes: graceful shutdown with an in-flight login and an AOF that
loads afterwards, JSON logs with request ids and nothing secret, and what stdout holds for a program
reading it (``sls state`` against a real server: ``test_state_e2e.py``)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import redis
import requests
from conftest import ADMIN_TOKEN
from over_http_kit import card_user_over_http
from own_server_kit import own_server, wait_until_the_aof_is_written
from serve_processes import ServerProcess, wait_until_serving

from sls_server.store import keys
from sls_server.store.embedded import EmbeddedRedis, free_port

pytestmark = pytest.mark.e2e
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
PASSWORD = "Correct-Horse-Battery-9"


def _user(url: str, name: str = "alice") -> None:
    card_user_over_http(url, name, PASSWORD)


@contextmanager
def _exits_cleanly(server: ServerProcess) -> Iterator[None]:
    """The block asks ``server`` to stop; it must then exit 0, with no worker killed or timed out by gunicorn.
    Killed if it has not exited, so a failing test never leaves it behind."""
    try:
        yield
        assert server.process.wait(timeout=60) == 0
    finally:
        if server.process.poll() is None:
            server.process.kill()
    log = server.log()
    assert "SIGKILL" not in log and "WORKER TIMEOUT" not in log, log


@pytest.mark.parametrize("to_the_group", [False, True], ids=["to-the-server", "to-its-process-group"])
def test_sigterm_lets_an_inflight_login_finish_and_leaves_the_aof_whole(
    tmp_path: Path, to_the_group: bool
) -> None:
    """A strong-profile login is hashing (its lockout reservation is in Redis) when SIGTERM arrives: it
    still answers 200, the server exits cleanly, and a new redis-server loads the AOF with what was
    written. Sent to the whole process group (``timeout``, ``kill -- -PGID``), the embedded Redis must not
    get it too: it would stop under the login still writing, and the watchdog would start it again."""
    server = own_server(tmp_path, own_group=to_the_group, SLS_HASH_PROFILE="strong")
    with _exits_cleanly(server):
        _user(server.url)
        socket = tmp_path / "data" / "redis" / "redis.sock"
        watcher = redis.Redis(unix_socket_path=str(socket), decode_responses=True)
        answer: dict[str, Any] = {}

        def log_in() -> None:
            reply = requests.post(
                f"{server.url}/api/v1/auth/login",
                json={"username": "alice", "password": PASSWORD},
                timeout=60,
            )
            answer.update(status=reply.status_code, body=reply.json())

        login = threading.Thread(target=log_in)
        login.start()
        pattern = keys.lockout_inflight("alice", "*")
        deadline = time.monotonic() + 30
        while not any(watcher.zcard(k) for k in watcher.scan_iter(match=pattern)):  # mid-way: hashing
            assert time.monotonic() < deadline and login.is_alive(), "the login never got to its hash"
            time.sleep(0.005)  # polling for the reservation, not waiting for time
        watcher.close()
        if to_the_group:
            os.killpg(server.process.pid, signal.SIGTERM)
        else:
            server.process.send_signal(signal.SIGTERM)
        login.join(timeout=60)
        assert answer["status"] == 200, answer
        assert answer["body"]["state"] == "second_factor"
    log = server.log()
    assert "starting it again" not in log, log  # the watchdog saw no Redis die under it
    assert not socket.exists(), "the embedded Redis was stopped (it removes its socket on a clean shutdown)"
    with EmbeddedRedis(tmp_path / "data" / "redis") as reopened:  # loads appendonly.aof, or fails to start
        client = redis.Redis.from_url(reopened.url, decode_responses=True)
        assert client.hget(keys.user("alice"), "username") == "alice"
        txn = answer["body"]["txn_id"]
        assert client.exists(keys.login("alice", txn)), "written while the server was shutting down"
        client.close()


def test_an_embedded_redis_that_dies_is_started_again_and_the_world_is_kept(tmp_path: Path) -> None:
    """A killed redis-server (the OOM killer, a stray kill) is noticed by ``sls serve`` within a second or so,
    logged as an error, and started again from its AOF on the same socket: service resumes by itself."""
    server = own_server(tmp_path, SLS_HASH_PROFILE="test")
    try:
        _user(server.url)
        socket = tmp_path / "data" / "redis" / "redis.sock"
        client = redis.Redis(unix_socket_path=str(socket))
        first = int(client.info("server")["process_id"])
        wait_until_the_aof_is_written(client)
        client.close()
        os.kill(first, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while True:  # polling the server until it is ready again, not waiting for time
            try:
                if requests.get(f"{server.url}/readyz", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            assert time.monotonic() < deadline, server.log()
            time.sleep(0.05)
        client = redis.Redis(unix_socket_path=str(socket))
        assert int(client.info("server")["process_id"]) != first
        client.close()
        login = requests.post(
            f"{server.url}/api/v1/auth/login", json={"username": "alice", "password": PASSWORD}, timeout=30
        )
        assert login.status_code == 200 and login.json()["state"] == "second_factor", login.text
        assert "embedded redis-server exited" in server.log()
    finally:
        server.process.terminate()
        server.process.wait(timeout=30)
    assert not socket.exists(), "stopped on purpose, it stays stopped (the watchdog went first)"


@pytest.mark.parametrize("level", ["info", "debug"])
def test_json_logs_one_line_per_request_with_its_id_and_nothing_secret(sls_serve, level: str) -> None:
    """At debug level too: gunicorn's request hook, which ``sls serve`` keeps, logged each request's path,
    so every login's transaction id (``/api/v1/auth/login/<txn_id>/verify``, ``/sso/Login/<txn_id>``)."""
    server = sls_serve(workers=2, SLS_LOG_FORMAT="json", SLS_LOG_LEVEL=level)
    _user(server.url)
    started = requests.post(
        f"{server.url}/api/v1/auth/login", json={"username": "alice", "password": PASSWORD}, timeout=30
    )
    txn = started.json()["txn_id"]
    wrong = requests.post(
        f"{server.url}/api/v1/auth/login/{txn}/verify",
        json={"response": "00000000"},
        headers={"X-Login-Token": started.json()["login_token"], "X-Request-Id": "spoofed-by-the-client"},
        timeout=30,
    )
    assert wrong.status_code == 401
    rid = wrong.headers["X-Request-Id"]
    assert rid != "spoofed-by-the-client", "only a trusted proxy names the request"

    def access_lines() -> list[dict[str, Any]]:
        lines = [json.loads(line) for line in server.log().splitlines() if line.startswith("{")]
        return [line for line in lines if line.get("logger") == "sls_server.access"]  # not the start-up facts

    deadline = time.monotonic() + 60  # a guard against a hang: the line comes once the worker writes it
    while not any(line["request_id"] == rid for line in access_lines()):
        assert time.monotonic() < deadline, server.log()
        time.sleep(0.05)  # polling the log file
    line = next(line for line in access_lines() if line["request_id"] == rid)
    assert line["route"] == "/api/v1/auth/login/<txn_id>/verify"
    assert (line["method"], line["status"]) == ("POST", 401)
    assert isinstance(line["duration_ms"], float)
    lines = [json.loads(line) for line in server.log().splitlines() if line.startswith("{")]
    failed = [line for line in lines if str(line.get("message")).startswith("login.second_factor_failed")]
    assert [line.get("request_id") for line in failed] == [rid], "the event's line names its request"
    event = failed[0]["event"]  # its fields as fields, for a collector's queries (they were only words)
    assert (event["type"], event["user"], event["result"]) == (
        "login.second_factor_failed",
        "alice",
        "failure",
    )
    assert event["factor"] == "dscplus" and event["detail"] == {"attempts_left": 2}, event
    served = [line for line in lines if line.get("request_id") and line.get("logger") != "sls_server.access"]
    assert {line["request_id"] for line in served} <= {line["request_id"] for line in access_lines()}
    log = server.log()
    for secret in (PASSWORD, txn, started.json()["login_token"], ADMIN_TOKEN):
        assert secret not in log
    text_lines = [line for line in log.splitlines() if line and not line.startswith("{")]
    assert not text_lines, "every line is JSON, the start-up facts too (they were a box drawn in text)"


def test_a_trusted_proxy_names_the_request(shared_serve) -> None:
    server = shared_serve(workers=1, SLS_TRUSTED_PROXIES="127.0.0.1/32")
    named = requests.get(f"{server.url}/healthz", headers={"X-Request-Id": "edge-4f2a.77"}, timeout=10)
    assert named.headers["X-Request-Id"] == "edge-4f2a.77"
    for odd in ("two words", "x" * 65, "a/b"):  # not an id: replaced, never echoed
        answer = requests.get(f"{server.url}/healthz", headers={"X-Request-Id": odd}, timeout=10)
        assert answer.headers["X-Request-Id"] != odd and len(answer.headers["X-Request-Id"]) == 16


def test_sigterm_ends_the_trainers_live_feed_instead_of_waiting_for_it(tmp_path: Path) -> None:
    """The feed is a stream of up to 25 s: a graceful stop used to wait for it until gunicorn's graceful
    timeout and then SIGKILL the worker. It now ends the stream at once, and the server exits cleanly."""
    server = own_server(tmp_path)
    with _exits_cleanly(server):
        browser = requests.Session()
        page = browser.get(f"{server.url}/trainer", timeout=10).text
        csrf = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        signed = browser.post(
            f"{server.url}/trainer/sign-in",
            data={"token": ADMIN_TOKEN, "csrf_token": csrf},
            allow_redirects=False,
            timeout=10,
        )
        assert signed.status_code == 303
        with browser.get(f"{server.url}/trainer/events", stream=True, timeout=60) as feed:
            lines = feed.iter_lines(decode_unicode=True)
            while next(lines) != "event: live":  # the stream is open and has read the trail
                pass
            server.process.send_signal(signal.SIGTERM)
            for _ in lines:  # ends when the server closes the stream (the timeout above is a safety net)
                pass


def test_sigterm_ends_a_wait_for_a_code_instead_of_killing_it(tmp_path: Path) -> None:
    """``/sim/v1/outbox/latest-code?wait=30`` (a gateway tool's 2FA handler) slept on through a graceful
    stop: gunicorn's 10 s ran out, the worker was killed and the tool's request cut off without an answer.
    It now answers at once, as the wait running out does (404 ``no_code``), and the server exits cleanly."""
    server = own_server(tmp_path, SLS_GATEWAY="true", SLS_HASH_PROFILE="test")
    answers: list[requests.Response | BaseException] = []
    with _exits_cleanly(server):
        body = {"username": "alice", "password": PASSWORD, "phone": "+15550100001"}
        assert requests.post(f"{server.url}/admin/v1/users", json=body, headers=ADMIN, timeout=10).ok

        def wait_for_a_code() -> None:
            try:
                answers.append(
                    requests.get(
                        f"{server.url}/sim/v1/outbox/latest-code",
                        params={"user": "alice", "wait": "30"},
                        timeout=60,
                    )
                )
            except requests.RequestException as exc:
                answers.append(exc)

        socket = tmp_path / "data" / "redis" / "redis.sock"
        watcher = redis.Redis(unix_socket_path=str(socket), decode_responses=True)
        served = int(watcher.info("stats")["total_commands_processed"])
        waiting = threading.Thread(target=wait_for_a_code)
        waiting.start()
        deadline, asked = time.monotonic() + 30, 1  # ``asked``: this loop's own INFO commands, left out
        while (
            int(watcher.info("stats")["total_commands_processed"]) - served - asked < 20
        ):  # route looks again
            asked += 1
            assert time.monotonic() < deadline and waiting.is_alive(), "the wait never began"
            time.sleep(0.01)  # polling Redis for the route's reads, not waiting for time
        watcher.close()
        server.process.send_signal(signal.SIGTERM)
        waiting.join(timeout=60)
    (answer,) = answers
    assert isinstance(answer, requests.Response), answer
    assert answer.status_code == 404 and answer.json()["error"] == "no_code"
    # not "within 30 s": it was cut short, and the operator reading it should know why
    assert answer.json()["message"].startswith("The server is stopping"), answer.json()


@pytest.mark.parametrize("run", ["serve", "gateway"])
@pytest.mark.parametrize(
    ("flags", "env"), [(["--json"], {}), ([], {"SLS_LOG_FORMAT": "json"})], ids=["--json", "json-logs"]
)
def test_stdout_holds_only_json_when_a_program_reads_it(
    tmp_path: Path, run: str, flags: list[str], env: dict[str, str]
) -> None:
    """`sls serve --json` promised its start-up facts as JSON, but every request then added a text access
    line to stdout; with SLS_LOG_FORMAT=json the start-up banner was box art on stdout. `sls gateway` kept
    both faults after `sls serve` lost them (its banner and two tables under SLS_LOG_FORMAT=json)."""
    port = free_port()
    out, err = tmp_path / "stdout", tmp_path / "stderr"
    environment = {
        **os.environ,
        "SLS_ADMIN_TOKEN": ADMIN_TOKEN,
        "SLS_DATA_DIR": str(tmp_path / "data"),
        **env,
    }
    command = [sys.executable, "-m", "sls_server.cli.main", run, "--port", str(port), "--workers", "1"]
    with out.open("wb") as stdout, err.open("wb") as stderr:
        process = subprocess.Popen([*command, *flags], env=environment, stdout=stdout, stderr=stderr)
    server = ServerProcess(process, f"http://127.0.0.1:{port}", err)
    try:
        wait_until_serving(server)
        assert requests.get(f"{server.url}/api/v1/session", timeout=10).status_code == 401
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
    lines = out.read_text().splitlines()
    assert lines and all(json.loads(line) for line in lines), out.read_text()
    assert json.loads(lines[0])["url"] == server.url  # the start-up facts
    assert "/api/v1/session" in err.read_text()  # the access line, on stderr
